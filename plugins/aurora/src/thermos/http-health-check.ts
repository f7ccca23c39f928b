/**
 * Aurora's HTTP health check as a program the agent runs as the task's COMMAND check:
 * GET http://127.0.0.1:PORT/ENDPOINT. With expected_response_code other than 0, healthy
 * when the status is that code; otherwise when the status is 200 and the body, stripped
 * and lower-cased, equals expected_response (Aurora's HttpSignaler).
 *
 * Arguments: PORT ENDPOINT EXPECTED_RESPONSE EXPECTED_RESPONSE_CODE TIMEOUT_SECS
 */
const [port = '', endpoint = '/health', expected = 'ok', code = '0', timeout = '1'] =
  process.argv.slice(2);

async function check(): Promise<string | undefined> {
  const path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(Math.max(Number(timeout), 0.1) * 1000),
  });
  const body = (await response.text()).trim().toLowerCase();
  if (Number(code) !== 0) {
    return response.status === Number(code)
      ? undefined
      : `status ${response.status}, expected ${code}`;
  }
  if (response.status !== 200) return `status ${response.status}, expected 200`;
  if (body !== expected.trim().toLowerCase()) {
    return `response '${body.slice(0, 80)}' does not match '${expected.trim().toLowerCase()}'`;
  }
  return undefined;
}

check().then(
  (problem) => {
    if (problem !== undefined) process.stdout.write(`unhealthy: ${problem}\n`);
    process.exit(problem === undefined ? 0 : 1);
  },
  (err: unknown) => {
    process.stdout.write(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

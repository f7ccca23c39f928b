/**
 * Makes electron-builder's failures readable. Its log ends in a stack trace; the one
 * failure everyone meets on a closed network, not reaching Electron's releases, deserves
 * a sentence that says so and what to do, and other failures their error lines alone.
 */

export interface BuildTarget {
  readonly electronVersion: string;
  readonly platform: string;
  readonly arch: string;
  /** Where the whole log was written, for whoever needs the stack trace. */
  readonly logPath: string;
}

/** Node's codes for "the network did not get us there". */
const NETWORK_ERROR =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ESOCKETTIMEDOUT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/** What electron-builder's download of Electron (or of its packaging tools) looks like. */
const DOWNLOAD_CONTEXT = /RequestError|HttpError|github\.com|electron-v\d|download|getaddrinfo/i;

/** "status code 404", "HttpError: 403", for a release that is missing or blocked. */
const HTTP_REFUSAL = /(?:status code|HttpError:) (\d{3})\b/;

const ERROR_LINE = /^\s*⨯\s*(.*)$/;

/** electron-builder's error lines (⨯) as printed, with the fields it appends. */
function rawErrorLines(output: string): string[] {
  return output.split('\n').flatMap((line) => {
    const text = ERROR_LINE.exec(line)?.[1];
    return text ? [text] : [];
  });
}

/** electron-builder's error lines (⨯), without the stack traces glued to them. */
export function errorLines(output: string): string[] {
  return rawErrorLines(output).map((line) =>
    line.replace(/\s+(failedTask|stackTrace)=.*$/, '').trim(),
  );
}

function unreachableHost(output: string): string | undefined {
  return /getaddrinfo \w+ ([\w.-]+)/.exec(output)?.[1] ?? /https?:\/\/([\w.-]+)/.exec(output)?.[1];
}

/** Whether the build failed because Electron (or a packaging tool) could not be fetched. */
export function isFetchFailure(output: string): boolean {
  const errors = rawErrorLines(output).join('\n');
  return (NETWORK_ERROR.test(errors) || HTTP_REFUSAL.test(errors)) && DOWNLOAD_CONTEXT.test(output);
}

/** The message `npm run dist` ends with when electron-builder fails. */
export function explainBuilderFailure(output: string, target: BuildTarget): string {
  const errors = errorLines(output);
  if (!isFetchFailure(output)) {
    const what =
      errors.length > 0 ? errors.map((line) => `  ${line}`).join('\n') : '  (no error line)';
    return `electron-builder failed:\n${what}\nThe full log is in ${target.logPath}.`;
  }
  const raw = rawErrorLines(output).join('\n');
  const code = NETWORK_ERROR.exec(raw)?.[1];
  const http = HTTP_REFUSAL.exec(raw)?.[1];
  const host = unreachableHost(output);
  const reason = http
    ? `the server answered HTTP ${http}`
    : `${code}${host ? ` for ${host}` : ''}: this machine cannot reach it`;
  const zip = `electron-v${target.electronVersion}-${target.platform}-${target.arch}.zip`;
  return [
    `Could not fetch Electron ${target.electronVersion} for ${target.platform}-${target.arch} (${reason}).`,
    'electron-builder downloads Electron and its packaging tools from GitHub releases to build installers.',
    'To build them: run `npm run dist` on a machine that can reach github.com, or set ELECTRON_MIRROR',
    `to a mirror of Electron's releases, or put ${zip} in electron-builder's cache (ELECTRON_CACHE).`,
    `The full log is in ${target.logPath}.`,
  ].join('\n');
}

/**
 * Requests per second on the daemon's /health beside the machine's own limit: a
 * bare node:http server answering the same empty 200, driven by the same client in
 * the same process. The ratio is the framework's overhead on this machine.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions, startDaemon } from '@mesolite/daemon';
import type { BenchFigures } from './run.ts';

const REQUESTS = 20_000;
const CONCURRENCY = 32;

async function drive(url: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      await new Promise<void>((resolve, reject) => {
        request(url, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return Math.round(REQUESTS / seconds);
}

export default async function bench(): Promise<BenchFigures> {
  const raw = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/health`;
  process.stdout.write(`raw node:http: ${REQUESTS} requests, ${CONCURRENCY} at a time...\n`);
  await drive(rawUrl);
  const rawRps = await drive(rawUrl);
  raw.close();
  process.stdout.write(`  ${rawRps} req/s\n`);

  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-bench-'));
  const daemon = await startDaemon(
    resolveDaemonOptions({ port: 0, workDir, logLevel: 'silent' }),
    createLogger('silent'),
  );
  process.stdout.write(`mesolite /health: ${REQUESTS} requests, ${CONCURRENCY} at a time...\n`);
  await drive(`${daemon.url}/health`);
  const daemonRps = await drive(`${daemon.url}/health`);
  await daemon.stop();
  await rm(workDir, { recursive: true, force: true });
  process.stdout.write(`  ${daemonRps} req/s\n`);

  return {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    health_rps: daemonRps,
    raw_http_rps: rawRps,
    ratio: Number((daemonRps / rawRps).toFixed(2)),
  };
}

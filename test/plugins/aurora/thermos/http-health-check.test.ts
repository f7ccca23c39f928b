import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHECK = resolve(
  import.meta.dirname,
  '../../../../plugins/aurora/dist/thermos/http-health-check.js',
);

/** The built HTTP check program against a real local server, as the agent runs it. */
describe('Aurora’s HTTP health check', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/health') response.end('  OK \n');
      else if (request.url === '/teapot') response.writeHead(418).end('short and stout');
      else response.end('starting');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  async function check(...args: string[]): Promise<number | null> {
    const child = spawn(process.execPath, [CHECK, String(port), ...args], { stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number | null];
    return code;
  }

  it('is healthy when the body, stripped and lower-cased, is expected_response', async () => {
    expect(await check('/health', 'ok', '0', '1')).toBe(0);
  });

  it('is unhealthy when the body differs', async () => {
    expect(await check('/other', 'ok', '0', '1')).toBe(1);
  });

  it('compares only the status when expected_response_code is set', async () => {
    expect(await check('/teapot', 'ok', '418', '1')).toBe(0);
    expect(await check('/health', 'ok', '418', '1')).toBe(1);
  });
});

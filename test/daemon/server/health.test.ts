import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

describe('GET /health', () => {
  let daemon: TestDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
  });

  it('answers 200 with an empty body, as Mesos does', async () => {
    daemon = await startTestDaemon();
    const response = await fetch(`${daemon.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers at /master/health too', async () => {
    daemon = await startTestDaemon();
    const response = await fetch(`${daemon.url}/master/health`);
    expect(response.status).toBe(200);
  });
});

import { createLogger } from '@mesolite/daemon';
import { buildServer, type MesoliteServer } from '@mesolite/daemon/server/app';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('JSON request bodies', () => {
  let app: MesoliteServer;
  beforeEach(async () => {
    app = buildServer({ logger: createLogger('silent') });
    app.post('/echo', async (request) => ({ received: request.body ?? null }));
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
  });

  it('accepts an empty body sent as application/json, as curl scripts send it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: null });
  });

  it('parses a JSON body', async () => {
    const response = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(response.json()).toEqual({ received: { a: 1 } });
  });

  it('answers 400 to malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(response.statusCode).toBe(400);
  });

  it('treats a doubled slash in a path as one, as Marathon clients expect', async () => {
    app = buildServer({ logger: createLogger('silent') });
    app.get('/v2/apps/group/app', async () => ({ ok: true }));
    const response = await app.inject({ method: 'GET', url: '/v2/apps//group/app' });
    expect(response.statusCode).toBe(200);
  });
});

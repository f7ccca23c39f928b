import type { IncomingMessage, ServerResponse } from 'node:http';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FileServer, makeScratch, type Scratch, startFileServer } from './fixtures.js';

const AUTHORIZATION = 'JoinToken K10secret';

let scratch: Scratch;
let master: FileServer;
let elsewhere: FileServer;
/** The Authorization header each server saw, by path. */
let seen: Map<string, string | undefined>;

function recording(body: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.set(`${req.headers.host}${req.url}`, req.headers.authorization);
    res.writeHead(200).end(body);
  };
}

beforeEach(async () => {
  seen = new Map();
  scratch = await makeScratch();
  master = await startFileServer({ '/artifact.js': recording('artifact') });
  elsewhere = await startFileServer({ '/app.tgz': recording('app') });
  master.route('/moved.js', (_req, res) => {
    res.writeHead(302, { location: `${elsewhere.url}/app.tgz` }).end();
  });
});

afterEach(async () => {
  await master.close();
  await elsewhere.close();
  await scratch.remove();
});

const credential = () => ({ masterUrls: () => [master.url], authorization: AUTHORIZATION });
const hostOf = (url: string) => new URL(url).host;

describe("the fetcher's credential for its master", () => {
  it('is sent to the master’s own origin and never to another host a task names', async () => {
    await fetchUris(
      [
        { value: `${master.url}/artifact.js`, extract: false },
        { value: `${elsewhere.url}/app.tgz`, extract: false },
      ],
      scratch.sandbox,
      { cacheDir: scratch.cacheDir, masterCredential: credential() },
    );
    expect(seen.get(`${hostOf(master.url)}/artifact.js`)).toBe(AUTHORIZATION);
    expect(seen.has(`${hostOf(elsewhere.url)}/app.tgz`)).toBe(true);
    expect(seen.get(`${hostOf(elsewhere.url)}/app.tgz`)).toBeUndefined();
  });

  it('is not carried along when the master redirects to another host', async () => {
    await fetchUris([{ value: `${master.url}/moved.js`, extract: false }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
      masterCredential: credential(),
    });
    expect(seen.has(`${hostOf(elsewhere.url)}/app.tgz`)).toBe(true);
    expect(seen.get(`${hostOf(elsewhere.url)}/app.tgz`)).toBeUndefined();
  });

  it('is sent to another address of the same master the agent was told of', async () => {
    // `elsewhere` stands for the master's LAN address, the agent having joined on loopback.
    const lan = elsewhere.url;
    await fetchUris([{ value: `${lan}/app.tgz`, extract: false }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
      masterCredential: { masterUrls: () => [master.url, lan], authorization: AUTHORIZATION },
    });
    expect(seen.get(`${hostOf(lan)}/app.tgz`)).toBe(AUTHORIZATION);
  });

  it('follows the master the agent follows now, after a failover', async () => {
    // The agent now follows the master at `elsewhere`'s address.
    const current = elsewhere.url;
    await fetchUris(
      [
        { value: `${master.url}/artifact.js`, extract: false },
        { value: `${elsewhere.url}/app.tgz`, extract: false },
      ],
      scratch.sandbox,
      {
        cacheDir: scratch.cacheDir,
        masterCredential: { masterUrls: () => [current], authorization: AUTHORIZATION },
      },
    );
    expect(seen.get(`${hostOf(master.url)}/artifact.js`)).toBeUndefined();
    expect(seen.get(`${hostOf(elsewhere.url)}/app.tgz`)).toBe(AUTHORIZATION);
  });
});

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { filesRequestHandlers } from '@mesolite/daemon/agent/files/files-channel';
import { filesEndpoints } from '@mesolite/daemon/agent/files/files-routes';
import { type FilesSource, localFilesSource } from '@mesolite/daemon/agent/files/files-source';
import { OwnerNames } from '@mesolite/daemon/agent/files/owner-names';
import { MAX_READ_LENGTH } from '@mesolite/daemon/agent/files/read-file-page';
import { createLogger } from '@mesolite/daemon/logger';
import {
  channelFilesSource,
  socketFilesLink,
} from '@mesolite/daemon/master/http/agent-files-source';
import {
  AGENT_NAMESPACE,
  type AgentToMasterEvents,
  type MasterToAgentEvents,
} from '@mesolite/daemon/protocol/agent-channel';
import { buildServer, type MesoliteServer } from '@mesolite/daemon/server/app';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture } from './files-fixture.js';

type MasterSide = ServerSocket<AgentToMasterEvents, MasterToAgentEvents>;
type AgentSide = Socket<MasterToAgentEvents, AgentToMasterEvents>;

/**
 * A master and an agent joined by a real socket.io connection on loopback: the agent
 * answers from the fixture's registry, the master serves /agent/a1/files/* from the
 * channel, exactly as the daemon wires them.
 */
describe('the files API over the agent channel', () => {
  let f: FilesFixture;
  let ioServer: Server;
  let agentSocket: AgentSide;
  let app: MesoliteServer;
  let remote: FilesSource;

  beforeEach(async () => {
    f = await filesFixture();
    const http = createServer();
    ioServer = new Server(http);
    const connected = new Promise<MasterSide>((resolve) => {
      ioServer.of(AGENT_NAMESPACE).on('connection', (socket: MasterSide) => resolve(socket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    agentSocket = io(`http://127.0.0.1:${port}${AGENT_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const handlers = filesRequestHandlers(localFilesSource(f.registry, new OwnerNames()));
    agentSocket.on('files_browse', handlers.files_browse);
    agentSocket.on('files_read', handlers.files_read);
    agentSocket.on('files_stat', handlers.files_stat);
    agentSocket.on('files_debug', handlers.files_debug);
    remote = channelFilesSource('a1', socketFilesLink(await connected), 2000);
    app = buildServer({ logger: createLogger('silent') });
    await app.register(filesEndpoints('/agent/:agentId', () => remote));
    await app.ready();
    await writeFile(join(f.sandbox, 'stdout'), 'hello from a remote task\n');
  });

  afterEach(async () => {
    agentSocket.disconnect();
    await app.close();
    await ioServer.close();
    await f.close();
  });

  const get = (endpoint: string, path: string, extra = '') =>
    app.inject({
      method: 'GET',
      url: `/agent/a1/files/${endpoint}?path=${encodeURIComponent(path)}${extra}`,
    });

  it('reads a page of a file as {data, offset}', async () => {
    const response = await get('read', join(f.sandbox, 'stdout'), '&offset=6&length=4');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{"data":"from","offset":6}');
  });

  it("answers the file's size for offset=-1", async () => {
    const response = await get('read', join(f.sandbox, 'stdout'), '&offset=-1');
    expect(response.json()).toEqual({ data: '', offset: 25 });
  });

  it('caps one read at a page, however long the length asked for', async () => {
    await writeFile(join(f.sandbox, 'big'), Buffer.alloc(3 * MAX_READ_LENGTH, 'x'));
    const page = await remote.read(join(f.sandbox, 'big'), 0, 3 * MAX_READ_LENGTH);
    expect(page.size).toBe(3 * MAX_READ_LENGTH);
    expect(page.data.length).toBe(MAX_READ_LENGTH);
  });

  it('carries bytes that are not UTF-8 unchanged', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x80]);
    await writeFile(join(f.sandbox, 'binary'), bytes);
    const page = await remote.read(join(f.sandbox, 'binary'), 0, undefined);
    expect(page.data.equals(bytes)).toBe(true);
  });

  it('browses a sandbox with Mesos FileInfo entries', async () => {
    await mkdir(join(f.sandbox, 'logs'));
    const response = await get('browse', f.sandbox);
    expect(response.statusCode).toBe(200);
    const entries = response.json() as Array<{ path: string; mode: string; size: number }>;
    expect(entries.map((entry) => entry.path)).toEqual([
      join(f.sandbox, 'logs'),
      join(f.sandbox, 'stdout'),
    ]);
    expect(entries[0]?.mode).toMatch(/^d/);
    expect(entries[1]?.size).toBe(25);
  });

  it('downloads a file larger than a page whole, as an attachment', async () => {
    const content = Buffer.alloc(2 * MAX_READ_LENGTH + 123);
    for (let i = 0; i < content.length; i++) content[i] = i % 251;
    await writeFile(join(f.sandbox, 'data.bin'), content);
    const response = await get('download', join(f.sandbox, 'data.bin'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename=data.bin');
    expect(response.headers['content-length']).toBe(String(content.length));
    expect(response.rawPayload.equals(content)).toBe(true);
  });

  it('downloads an empty file as no bytes', async () => {
    await writeFile(join(f.sandbox, 'stderr'), '');
    const response = await get('download', join(f.sandbox, 'stderr'));
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.length).toBe(0);
  });

  it('shows the virtual paths the agent has attached', async () => {
    const response = await app.inject({ method: 'GET', url: '/agent/a1/files/debug' });
    expect(response.json()).toEqual(f.registry.entries());
  });

  it('answers a path under no sandbox with 404, as the agent would', async () => {
    const response = await get('read', '/etc/passwd', '&offset=0');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe("No file or directory at '/etc/passwd'.\n");
  });

  it('refuses a path that climbs out of the sandbox with 400', async () => {
    const response = await get('read', `${f.sandbox}/../../../../etc/passwd`, '&offset=0');
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/is inaccessible\.\n$/);
  });

  it('refuses a symlink that leads out of the sandbox with 400', async () => {
    await symlink('/etc', join(f.sandbox, 'escape'));
    const response = await get('download', join(f.sandbox, 'escape', 'passwd'));
    expect(response.statusCode).toBe(400);
  });

  it('refuses to download a directory, in the endpoint’s words', async () => {
    const response = await get('download', f.sandbox);
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Cannot download a directory.\n');
  });

  it('answers a malformed request as a refusal, never an exception', async () => {
    const answer = await agentSocketPeer().timeout(2000).emitWithAck('files_read', {
      path: '',
      offset: -5,
    });
    expect(answer).toMatchObject({
      ok: false,
      status: 400,
      code: 'MESOLITE_ERR_PROTOCOL_VALIDATION',
    });
  });

  it('answers 503 when the agent does not answer in time', async () => {
    agentSocket.off('files_read');
    const response = await get('read', join(f.sandbox, 'stdout'), '&offset=0');
    expect(response.statusCode).toBe(503);
    expect(response.body).toMatch(/did not answer/);
  });

  /** The master's end of the connection, for requests the master itself would never send. */
  function agentSocketPeer(): MasterSide {
    const [socket] = ioServer.of(AGENT_NAMESPACE).sockets.values();
    if (socket === undefined) throw new Error('the agent is not connected');
    return socket as MasterSide;
  }
});

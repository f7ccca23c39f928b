import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@mesolite/daemon';
import { attachUiChannel } from '@mesolite/daemon/server/ui-channel';
import {
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiClusterState,
  type UiServerToClientEvents,
} from '@mesolite/daemon/server/ui-events';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { ProtocolAgent } from '../support/protocol-agent.js';
import { commandTask, TestFramework } from '../support/test-framework.js';

type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

interface StateShape {
  get_tasks?: { tasks?: Array<{ task_id: { value: string }; state: string }> };
  get_agents?: { agents?: Array<{ agent_info: { hostname: string } }> };
}

/** A browser's view of the /ui namespace: every state it was pushed, in order. */
function uiClient(url: string, auth: Record<string, unknown> = {}) {
  const socket: UiSocket = io(`${url}${UI_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
  });
  const states: StateShape[] = [];
  socket.on('cluster_state', (state: UiClusterState) => states.push(state.get_state as StateShape));
  /** Resolves with the first pushed state that satisfies `test`, seen or still to come. */
  const until = (what: string, test: (state: StateShape) => boolean) =>
    new Promise<StateShape>((resolve, reject) => {
      const found = states.find(test);
      if (found) return resolve(found);
      const onState = (state: UiClusterState) => {
        if (!test(state.get_state as StateShape)) return;
        socket.off('cluster_state', onState);
        resolve(state.get_state as StateShape);
      };
      socket.on('cluster_state', onState);
      socket.once('disconnect', () => reject(new Error(`disconnected waiting for ${what}`)));
    });
  return { socket, states, until };
}

describe('the UI live channel (/ui)', () => {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function daemon(): Promise<TestDaemon> {
    const started = await startTestDaemon();
    closers.push(() => started.stop());
    return started;
  }

  it('sends the cluster state as soon as a browser connects', async () => {
    const { url } = await daemon();
    const agent = new ProtocolAgent(url, { hostname: 'ui-agent-1' });
    closers.push(() => agent.disconnect());
    await agent.connect();
    const client = uiClient(url);
    closers.push(() => client.socket.close());
    const state = await client.until('the agent', (s) =>
      (s.get_agents?.agents ?? []).some((a) => a.agent_info.hostname === 'ui-agent-1'),
    );
    expect(state.get_agents?.agents).toHaveLength(1);
  });

  it('pushes a task launched through the scheduler API without being asked', async () => {
    const { url } = await daemon();
    const agent = new ProtocolAgent(url);
    closers.push(() => agent.disconnect());
    await agent.connect();
    const client = uiClient(url);
    closers.push(() => client.socket.close());
    await client.until('the first state', () => true);

    const framework = new TestFramework(url);
    closers.push(() => framework.close());
    await framework.subscribe();
    await framework.launch((offer) =>
      commandTask(offer, 'pushed-task', { value: 'sleep 100', shell: true }),
    );
    const state = await client.until('the running task', (s) =>
      (s.get_tasks?.tasks ?? []).some(
        (t) => t.task_id.value === 'pushed-task' && t.state === 'TASK_RUNNING',
      ),
    );
    expect(state.get_tasks?.tasks?.map((t) => t.task_id.value)).toContain('pushed-task');
  });

  it('refuses a connection its access rule refuses, saying why', async () => {
    const http = createServer();
    const server = new Server(http, { serveClient: false });
    const channel = attachUiChannel(server, {
      logger: createLogger('silent'),
      access: (socket, next) => {
        if ((socket.handshake.auth as { token?: string }).token === 'letmein') next();
        else
          next(Object.assign(new Error('no valid token'), { data: { code: 'ERR_TEST_DENIED' } }));
      },
    });
    channel.start({
      state: () => ({ type: 'GET_STATE', get_state: {} }),
      subscribe: () => () => undefined,
    });
    closers.push(() => new Promise((resolve) => server.close(() => resolve(undefined))));
    closers.push(() => channel.stop());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const refused = uiClient(url, { token: 'wrong' });
    closers.push(() => refused.socket.close());
    const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      refused.socket.once('connect_error', resolve),
    );
    expect(error.message).toBe('no valid token');
    expect(error.data?.code).toBe('ERR_TEST_DENIED');

    const allowed = uiClient(url, { token: 'letmein' });
    closers.push(() => allowed.socket.close());
    await allowed.until('the state', () => true);
  });
});

/**
 * The master's end of the agent channel: the socket.io namespace `/agents`. An
 * agent registers (or re-registers with its id and tasks) and from then on the
 * socket is its AgentLink. A dropped socket is a disconnected agent; socket.io's
 * own ping/pong is the heartbeat that notices it.
 */

import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { MesoliteError } from '../errors.js';
import {
  AGENT_NAMESPACE,
  AgentStatusUpdate,
  type AgentToMasterEvents,
  type MasterToAgentEvents,
  RegisterAgentRequest,
} from '../protocol/agent-channel.js';
import { validator } from '../protocol/validate.js';
import { socketFilesLink } from './http/agent-files-source.js';
import type { AgentLink, Master } from './master.js';

type AgentSocket = Socket<AgentToMasterEvents, MasterToAgentEvents>;

const registerValidator = validator(RegisterAgentRequest, 'agent registration');
const updateValidator = validator(AgentStatusUpdate, 'status update');

function linkFor(socket: AgentSocket): AgentLink {
  return {
    // An IPv4 peer of a dual-stack listener shows as ::ffff:a.b.c.d.
    address: socket.handshake.address.replace(/^::ffff:/, '') || undefined,
    runTask: (message) => socket.emit('run_task', message),
    runTaskGroup: (message) => socket.emit('run_task_group', message),
    killTask: (message) => socket.emit('kill_task', message),
    shutdownFramework: (frameworkId) =>
      socket.emit('shutdown_framework', { framework_id: { value: frameworkId } }),
    acknowledge: (ack) => socket.emit('status_update_acknowledgement', ack),
    frameworkMessage: (message) => socket.emit('framework_message', message),
    disconnect: () => socket.disconnect(true),
    listImages: (timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('list_images')
        .catch(() => unanswered(timeoutMs)),
    importImage: (request, timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('import_image', request)
        .catch(() => unanswered(timeoutMs)),
    files: socketFilesLink(socket),
  };
}

/** socket.io rejects an acknowledgement that does not come in time; the agent may be gone or busy. */
function unanswered(timeoutMs: number): { ok: false; code: string; message: string } {
  return {
    ok: false,
    code: 'MESOLITE_ERR_AGENT_NO_ANSWER',
    message: `The agent did not answer within ${Math.round(timeoutMs / 1000)}s`,
  };
}

/**
 * Decides whether an agent may join, from the join token it presented; rejects with a
 * coded error to refuse. Absent on loopback, where no secret is required.
 */
export type AgentAdmission = (token: string | undefined) => Promise<void>;

export function attachAgentChannel(
  io: Server,
  master: Master,
  logger: Logger,
  admit?: AgentAdmission,
): Namespace {
  const namespace = io.of(AGENT_NAMESPACE) as Namespace<AgentToMasterEvents, MasterToAgentEvents>;
  namespace.on('connection', (socket: AgentSocket) => {
    let agentId: string | undefined;
    const link = linkFor(socket);

    socket.on('register', (request, reply) => {
      const answer = typeof reply === 'function' ? reply : () => undefined;
      let parsed: RegisterAgentRequest;
      try {
        parsed = registerValidator.parse(request);
      } catch (err) {
        answer({ ok: false, code: (err as MesoliteError).code, message: (err as Error).message });
        return;
      }
      const admitted = admit ? admit(parsed.token) : Promise.resolve();
      admitted
        .then(() => master.registerAgent(parsed, link))
        .then(
          (result) => {
            agentId = result.agentId;
            answer({
              ok: true,
              agent_id: { value: result.agentId },
              master_info: master.masterInfo,
            });
          },
          (err: unknown) => {
            const code = err instanceof MesoliteError ? err.code : 'MESOLITE_ERR_INTERNAL';
            logger.warn({ err }, 'agent registration refused');
            answer({ ok: false, code, message: (err as Error).message });
          },
        );
    });

    socket.on('status_update', (update) => {
      if (!agentId) return;
      if (!updateValidator.check(update)) {
        master.counters.invalidStatusUpdates++;
        logger.warn({ agentId }, 'dropped a malformed status update');
        return;
      }
      master.statusUpdate(agentId, update);
    });

    socket.on('disconnect', () => {
      if (agentId) master.agentDisconnected(agentId, link);
    });
  });
  return namespace;
}

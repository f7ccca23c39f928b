/**
 * A LAN agent's files API as a FilesSource, asked over its agent channel: every answer
 * is checked against the channel's schema, and a refusal becomes the MesoliteError the
 * agent raised, with its status and Mesos's message, so the master answers exactly as
 * the agent's own endpoint would.
 */
import type { Socket } from 'socket.io';
import type { FilesSource } from '../../agent/files/files-source.js';
import { MesoliteError } from '../../errors.js';
import {
  type AgentFilesLink,
  type AgentToMasterEvents,
  FilesBrowseReply,
  FilesDebugReply,
  FilesReadReply,
  type FilesRefusal,
  FilesStatReply,
  type MasterToAgentEvents,
} from '../../protocol/agent-channel.js';
import { type Validator, validator } from '../../protocol/validate.js';
import { MalformedAgentAnswerError } from './agent-files-errors.js';

/** Long enough for a busy agent on a LAN, short enough that a hung one does not hold the request. */
export const FILES_REQUEST_TIMEOUT_MS = 10_000;

const browseReply = validator(FilesBrowseReply, 'files browse answer');
const readReply = validator(FilesReadReply, 'files read answer');
const statReply = validator(FilesStatReply, 'files stat answer');
const debugReply = validator(FilesDebugReply, 'files debug answer');

export function channelFilesSource(
  agentId: string,
  link: AgentFilesLink,
  timeoutMs = FILES_REQUEST_TIMEOUT_MS,
): FilesSource {
  function accepted<T extends { ok: boolean }>(
    check: Validator<T | FilesRefusal>,
    what: string,
    answer: unknown,
  ): Exclude<T, FilesRefusal> {
    if (!check.check(answer)) throw new MalformedAgentAnswerError(agentId, what);
    if (!answer.ok) {
      const refused = answer as FilesRefusal;
      throw new MesoliteError(refused.code, refused.message, refused.status);
    }
    return answer as Exclude<T, FilesRefusal>;
  }

  return {
    browse: async (path) =>
      accepted(browseReply, 'browse answer', await link.browse({ path }, timeoutMs)).entries,
    read: async (path, offset, length) => {
      const request = { path, offset, ...(length === undefined ? {} : { length }) };
      const page = accepted(readReply, 'read answer', await link.read(request, timeoutMs));
      return { size: page.size, data: Buffer.from(page.data, 'base64') };
    },
    stat: async (path) => {
      const { size, name } = accepted(
        statReply,
        'stat answer',
        await link.stat({ path }, timeoutMs),
      );
      return { size, name };
    },
    debug: async () => accepted(debugReply, 'debug answer', await link.debug(timeoutMs)).paths,
  };
}

/** The files requests of the agent at the other end of `socket`, answered by acknowledgement. */
export function socketFilesLink(
  socket: Socket<AgentToMasterEvents, MasterToAgentEvents>,
): AgentFilesLink {
  return {
    browse: (request, timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('files_browse', request)
        .catch(() => unanswered(timeoutMs)),
    read: (request, timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('files_read', request)
        .catch(() => unanswered(timeoutMs)),
    stat: (request, timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('files_stat', request)
        .catch(() => unanswered(timeoutMs)),
    debug: (timeoutMs) =>
      socket
        .timeout(timeoutMs)
        .emitWithAck('files_debug')
        .catch(() => unanswered(timeoutMs)),
  };
}

/** socket.io rejects an acknowledgement that does not come in time: a 503, as a proxy's unavailable upstream is. */
function unanswered(timeoutMs: number): FilesRefusal {
  return {
    ok: false,
    code: 'MESOLITE_ERR_AGENT_NO_ANSWER',
    status: 503,
    message: `The agent did not answer within ${Math.round(timeoutMs / 1000)}s; try again.`,
  };
}

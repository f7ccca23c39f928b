/**
 * The agent's answers to the master's files requests over the agent channel: the same
 * FilesSource the HTTP endpoints use, with every failure answered as a refusal that
 * carries the HTTP status and message the endpoint would have sent. Nothing is thrown
 * across the channel, and a malformed request is refused like a bad query.
 */
import { MesoliteError } from '../../errors.js';
import {
  type FilesBrowseReply,
  type FilesDebugReply,
  FilesPathRequest,
  type FilesReadReply,
  FilesReadRequest,
  type FilesRefusal,
  type FilesStatReply,
  type MasterToAgentEvents,
} from '../../protocol/agent-channel.js';
import { validator } from '../../protocol/validate.js';
import type { FilesSource } from './files-source.js';

const pathRequest = validator(FilesPathRequest, 'files request');
const readRequest = validator(FilesReadRequest, 'files read request');

export type FilesRequestHandlers = Pick<
  MasterToAgentEvents,
  'files_browse' | 'files_read' | 'files_stat' | 'files_debug'
>;

/** One handler per files event, to be registered on the agent's socket under its name. */
export function filesRequestHandlers(source: FilesSource): FilesRequestHandlers {
  return {
    files_browse: (request, reply) =>
      answer(reply, async (): Promise<FilesBrowseReply> => {
        const { path } = pathRequest.parse(request);
        return { ok: true, entries: await source.browse(path) };
      }),
    files_read: (request, reply) =>
      answer(reply, async (): Promise<FilesReadReply> => {
        const { path, offset, length } = readRequest.parse(request);
        const page = await source.read(path, offset, length);
        return { ok: true, size: page.size, data: page.data.toString('base64') };
      }),
    files_stat: (request, reply) =>
      answer(reply, async (): Promise<FilesStatReply> => {
        const { path } = pathRequest.parse(request);
        return { ok: true, ...(await source.stat(path)) };
      }),
    files_debug: (reply) =>
      answer(
        reply,
        async (): Promise<FilesDebugReply> => ({
          ok: true,
          paths: await source.debug(),
        }),
      ),
  };
}

function answer<R>(reply: unknown, work: () => Promise<R>): void {
  // A client that emitted without an acknowledgement gets nothing, rather than a crash.
  if (typeof reply !== 'function') return;
  const send = reply as (answer: R | FilesRefusal) => void;
  work().then(send, (error: unknown) => send(refusal(error)));
}

/** An error as the HTTP endpoint would answer it; anything unexpected is a 500 that says what. */
export function refusal(error: unknown): FilesRefusal {
  if (error instanceof MesoliteError) {
    return { ok: false, code: error.code, status: error.statusCode, message: error.message };
  }
  return {
    ok: false,
    code: 'MESOLITE_ERR_INTERNAL',
    status: 500,
    message: `The agent could not serve the file: ${(error as Error).message}`,
  };
}

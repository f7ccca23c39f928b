/**
 * The files API of every agent, through the master, as DC/OS's admin router proxies it:
 *
 *   GET /agent/<agentId>/files/browse|read|download|debug
 *
 * with Mesos's query parameters and answers. The local agent is read from its registry
 * in this process; an agent on another machine serves its files on its own loopback
 * only, so it is asked over its agent channel. An unknown agent is 404, a disconnected
 * one 503, both as plain text like the files API's own errors.
 */
import type { FastifyRequest } from 'fastify';
import { filesEndpoints } from '../../agent/files/files-routes.js';
import type { FilesSource } from '../../agent/files/files-source.js';
import type { Master } from '../master.js';
import { AgentDisconnectedError, UnknownAgentError } from './agent-files-errors.js';
import { channelFilesSource } from './agent-files-source.js';

export interface AgentFilesRoutesOptions {
  master: Master;
  /** This process's own agent once it has registered: its id and its files. */
  localAgent?: () => { id: string | undefined; files: FilesSource } | undefined;
  /** How long a remote agent has to answer one request. */
  timeoutMs?: number;
}

export function agentFilesRoutes(options: AgentFilesRoutesOptions) {
  return filesEndpoints('/agent/:agentId', (request) => sourceFor(options, request));
}

function sourceFor(options: AgentFilesRoutesOptions, request: FastifyRequest): FilesSource {
  const { agentId } = request.params as { agentId: string };
  const local = options.localAgent?.();
  if (local !== undefined && local.id === agentId) return local.files;
  const agent = options.master.agents.get(agentId);
  if (agent === undefined) throw new UnknownAgentError(agentId);
  if (agent.link === undefined) throw new AgentDisconnectedError(agentId);
  return channelFilesSource(agentId, agent.link.files, options.timeoutMs);
}

/**
 * Errors of the master's /agent/<id>/files/* routes, answered as plain text as the
 * files API's own are.
 */
import { defineError } from '../../errors.js';

export const UnknownAgentError = defineError(
  'MESOLITE_ERR_AGENT_NOT_FOUND',
  404,
  (agentId: string) =>
    `No agent with id '${agentId}' is known to this master; GET /master/slaves lists the agents.`,
);

export const AgentDisconnectedError = defineError(
  'MESOLITE_ERR_AGENT_DISCONNECTED',
  503,
  (agentId: string) =>
    `Agent '${agentId}' is not connected to the master; its files are readable again once it re-registers.`,
);

/** The agent answered something the channel's schema does not allow. */
export const MalformedAgentAnswerError = defineError(
  'MESOLITE_ERR_AGENT_MALFORMED_ANSWER',
  502,
  (agentId: string, what: string) =>
    `Agent '${agentId}' sent a malformed ${what}; is it running the same mesolite version as the master?`,
);

import { defineError } from '../errors.js';

/** Errors the v1 APIs answer with; the HTTP layer sends `message` as plain text, as Mesos does. */
export const BadCallError = defineError('MESOLITE_ERR_BAD_CALL', 400, (message: string) => message);
export const FrameworkNotSubscribedError = defineError(
  'MESOLITE_ERR_FRAMEWORK_NOT_SUBSCRIBED',
  403,
  (frameworkId: string) =>
    `Framework ${frameworkId} is not subscribed: send SUBSCRIBE with its framework_id first`,
);
export const MasterRecoveringError = defineError(
  'MESOLITE_ERR_MASTER_RECOVERING',
  503,
  () => 'Master has not finished recovery',
);
export const UnsupportedCallError = defineError(
  'MESOLITE_ERR_UNSUPPORTED_CALL',
  501,
  (type: string) => `Call type ${type} is not supported by mesolite`,
);
export const AgentRefusedError = defineError(
  'MESOLITE_ERR_AGENT_REFUSED',
  403,
  (reason: string) => reason,
);

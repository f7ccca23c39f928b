import { defineError } from '../../errors.js';

export const UnknownAgentError = defineError(
  'MESOLITE_ERR_UNKNOWN_AGENT',
  404,
  (agentId: string) => `Agent ${agentId} is not known to the allocator; add it first.`,
);

export const UnknownFrameworkError = defineError(
  'MESOLITE_ERR_UNKNOWN_FRAMEWORK',
  404,
  (frameworkId: string) =>
    `Framework ${frameworkId} is not known to the allocator; add it before giving it resources.`,
);

export const AgentExistsError = defineError(
  'MESOLITE_ERR_AGENT_EXISTS',
  409,
  (agentId: string) =>
    `Agent ${agentId} is already known to the allocator; remove it before adding it again.`,
);

export const FrameworkExistsError = defineError(
  'MESOLITE_ERR_FRAMEWORK_EXISTS',
  409,
  (frameworkId: string) =>
    `Framework ${frameworkId} is already known to the allocator; remove it before adding it again.`,
);

export const InvalidRoleWeightError = defineError(
  'MESOLITE_ERR_INVALID_ROLE_WEIGHT',
  400,
  (role: string, weight: number) =>
    `Invalid weight ${weight} for role "${role}": a weight is a finite number above 0.`,
);

export const InvalidRoleError = defineError(
  'MESOLITE_ERR_INVALID_ROLE',
  400,
  (role: string, problem: string) => `Invalid role "${role}": ${problem}.`,
);

/** Giving back resources a framework does not hold: the caller's books and ours disagree. */
export const NotAllocatedError = defineError(
  'MESOLITE_ERR_NOT_ALLOCATED',
  409,
  (frameworkId: string, agentId: string, resources: string, held: string) =>
    `Framework ${frameworkId} does not hold ${resources} on agent ${agentId} ` +
    `(it holds ${held || 'nothing'} there); only resources offered or in use can be recovered.`,
);

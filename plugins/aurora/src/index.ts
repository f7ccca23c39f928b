export {
  AuroraConfigError,
  AuroraEvaluationError,
  AuroraLimitError,
  AuroraRefusedError,
  AuroraSchemaError,
  AuroraSyntaxError,
  AuroraUnboundNameError,
  type SourceLocation,
} from './config/errors.js';
export { DEFAULT_LIMITS, type EvaluationLimits } from './config/interpreter.js';
export {
  type LoadAuroraConfigOptions,
  type LoadedAuroraConfig,
  loadAuroraConfig,
} from './config/load-config.js';
export {
  InvalidInstancesError,
  InvalidJobKeyError,
  type JobKeyForm,
  type JobKeyPart,
} from './errors.js';
export {
  DEFAULT_ALLOWED_ENVIRONMENTS,
  formatInstanceRanges,
  formatJobKey,
  IDENTIFIER_PATTERN,
  type InstanceRange,
  type InstanceSelection,
  type InstanceSpec,
  type JobKey,
  type JobKeyOptions,
  MAX_IDENTIFIER_LENGTH,
  MAX_INSTANCE_ID,
  parseInstanceSpec,
  parseInstances,
  parseJobKey,
  parseTaskInstanceKey,
  type TaskInstanceKey,
} from './job-key.js';

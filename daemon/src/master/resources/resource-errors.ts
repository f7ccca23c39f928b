import { defineError } from '../../errors.js';

/** Resources written wrongly: a bad --resources flag, or a Resource object that breaks a rule. */
export const InvalidResourcesError = defineError(
  'MESOLITE_ERR_INVALID_RESOURCES',
  400,
  (where: string, problem: string) =>
    `Invalid resources ${where}: ${problem}. Resources are written as Mesos writes them, ` +
    'e.g. cpus:4;mem:2048;disk:10000;ports:[31000-32000].',
);

/** Taking away resources that are not there, e.g. launching a task bigger than its offer. */
export const ResourcesNotContainedError = defineError(
  'MESOLITE_ERR_RESOURCES_NOT_CONTAINED',
  409,
  (have: string, wanted: string) =>
    `Cannot take ${wanted || 'nothing'} out of ${have || 'nothing'}: ` +
    'they are not all there. Ask for no more than is available.',
);

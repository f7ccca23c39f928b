import { defineError } from '../../errors.js';

/** An --attributes flag Mesos's Attributes::parse would refuse (Mesos aborts the agent; we say why). */
export const InvalidAttributesError = defineError(
  'MESOLITE_ERR_INVALID_ATTRIBUTES',
  400,
  (where: string, problem: string) =>
    `Invalid attribute ${where}: ${problem}. Attributes are written as Mesos writes them, ` +
    'name:value pairs separated by ";", e.g. rack:a;zone:lab;gpu_count:2;ports:[1000-2000].',
);

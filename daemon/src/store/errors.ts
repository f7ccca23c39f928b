import { defineError } from '../errors.js';

export const StoreLockedError = defineError(
  'MESOLITE_ERR_STORE_LOCKED',
  409,
  (location: string) =>
    `The store at ${location} is locked: another mesolite process is using this work dir. ` +
    'Stop that process, or give this one a different --work-dir.',
);

export const StoreOpenError = defineError(
  'MESOLITE_ERR_STORE_OPEN',
  500,
  (location: string, reason: string) =>
    `Cannot open the store at ${location}: ${reason}. Check that the work dir is writable ` +
    'and that its files are not damaged.',
);

export const StoreClosedError = defineError(
  'MESOLITE_ERR_STORE_CLOSED',
  503,
  (scope: string) => `The store ${scope} is closed; it was shut down or its owner was stopped.`,
);

export const InvalidStoreKeyError = defineError(
  'MESOLITE_ERR_STORE_KEY',
  400,
  (key: string, problem: string) => `Invalid store key ${JSON.stringify(key)}: ${problem}.`,
);

export const InvalidStoreValueError = defineError(
  'MESOLITE_ERR_STORE_VALUE',
  400,
  (key: string, problem: string) =>
    `Cannot store the value for key ${JSON.stringify(key)}: ${problem}.`,
);

export const InvalidStoreNamespaceError = defineError(
  'MESOLITE_ERR_STORE_NAMESPACE',
  400,
  (name: string) =>
    `Invalid store namespace ${JSON.stringify(name)}: a namespace is one segment of letters, ` +
    'digits, ".", "_" and "-", starting with a letter or digit.',
);

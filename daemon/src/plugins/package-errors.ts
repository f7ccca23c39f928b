/** The errors of packing, installing, upgrading and removing plugins at run time. */
import { defineError } from '../errors.js';

export const UnsafePluginPackageError = defineError(
  'MESOLITE_ERR_PLUGIN_PACKAGE',
  400,
  (problem: string) =>
    `The plugin package was refused: ${problem}. Make it with \`mesolite plugin pack DIR\``,
);

export const PluginExistsError = defineError(
  'MESOLITE_ERR_PLUGIN_EXISTS',
  409,
  (name: string) =>
    `A plugin named "${name}" is already installed; replace it with \`mesolite plugin upgrade ${name} FILE.tgz\``,
);

export const PluginNameMismatchError = defineError(
  'MESOLITE_ERR_PLUGIN_NAME_MISMATCH',
  400,
  (wanted: string, packaged: string) =>
    `The package holds the plugin "${packaged}", not "${wanted}"; upgrade ${packaged} with it, or install it`,
);

export const BuiltInPluginError = defineError(
  'MESOLITE_ERR_PLUGIN_BUILT_IN',
  409,
  (name: string) =>
    `"${name}" is a built-in plugin and cannot be removed; stop it with \`mesolite plugin disable ${name}\``,
);

export const PluginPackError = defineError(
  'MESOLITE_ERR_PLUGIN_PACK',
  400,
  (dir: string, problem: string) => `Cannot pack the plugin in ${dir}: ${problem}`,
);

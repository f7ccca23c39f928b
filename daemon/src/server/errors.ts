/** Errors of the daemon's HTTP and socket.io surfaces. */
import { defineError } from '../errors.js';

export const NoPluginUiError = defineError(
  'MESOLITE_ERR_NO_PLUGIN_UI',
  404,
  (name: string) =>
    `Plugin "${name}" is not installed or declares no "ui" module in its mesolite manifest`,
);

export const PluginUiOutsidePackageError = defineError(
  'MESOLITE_ERR_PLUGIN_UI_OUTSIDE_PACKAGE',
  404,
  (name: string, file: string) =>
    `Plugin "${name}" has no UI file ${file}: only files next to its manifest's "ui" module are served`,
);

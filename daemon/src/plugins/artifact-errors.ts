/** The errors of plugin artifacts: files a plugin's tasks fetch from the master. */
import { defineError } from '../errors.js';

export const InvalidArtifactNameError = defineError(
  'MESOLITE_ERR_PLUGIN_ARTIFACT_NAME',
  400,
  (plugin: string, name: string) =>
    `Plugin ${plugin}: "${name}" is not a valid artifact name; use a file name of letters, digits, ` +
    "'.', '_' and '-' (it names the file in the task's sandbox)",
);

export const ArtifactFileError = defineError(
  'MESOLITE_ERR_PLUGIN_ARTIFACT_FILE',
  400,
  (plugin: string, name: string, path: string, problem: string) =>
    `Plugin ${plugin} cannot serve artifact ${name} from ${path}: ${problem}`,
);

export const UndeclaredArtifactError = defineError(
  'MESOLITE_ERR_PLUGIN_ARTIFACT_UNDECLARED',
  400,
  (plugin: string, name: string) =>
    `Plugin ${plugin} has no artifact named ${name}: declare it in the "artifacts" of its ` +
    'mesolite manifest, or serve it with context.artifacts.serve()',
);

export const UnknownArtifactError = defineError(
  'MESOLITE_ERR_UNKNOWN_PLUGIN_ARTIFACT',
  404,
  (plugin: string, name: string) =>
    `Plugin ${plugin} serves no artifact ${name} with this content hash; a task launched before ` +
    'the plugin was upgraded or stopped asks for a file that is no longer there',
);

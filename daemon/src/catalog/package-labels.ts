/** The labels Cosmos puts on (and reads from) an installed package's Marathon app. */
export const LABELS = {
  name: 'DCOS_PACKAGE_NAME',
  version: 'DCOS_PACKAGE_VERSION',
  source: 'DCOS_PACKAGE_SOURCE',
  options: 'DCOS_PACKAGE_OPTIONS',
  definition: 'DCOS_PACKAGE_DEFINITION',
  frameworkName: 'DCOS_PACKAGE_FRAMEWORK_NAME',
} as const;

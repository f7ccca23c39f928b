/** Response bodies in the shapes of Cosmos's rpc models, built from a package. */
import type { JsonObject } from './json-object.js';
import { packageJson } from './storage-envelope.js';
import { fieldsWithout, type PackageDefinition } from './universe-schema.js';

// Cosmos's v2 describe predates release versions, update dates and up/downgrades.
const V2_DESCRIBE_FIELDS = fieldsWithout(
  'releaseVersion',
  'lastUpdated',
  'hasKnownIssues',
  'upgradesFrom',
  'downgradesTo',
);

/** rpc.v2.model.DescribeResponse: the package flat, `selected` and `framework` defaulting to false. */
export function describeV2(pkg: PackageDefinition): JsonObject {
  const source: JsonObject = {
    ...pkg,
    tags: pkg.tags ?? [],
    selected: pkg.selected ?? false,
    framework: pkg.framework ?? false,
  };
  const body: JsonObject = {};
  for (const field of V2_DESCRIBE_FIELDS)
    if (source[field] !== undefined) body[field] = source[field];
  return body;
}

/** rpc.v3.model.DescribeResponse: `{"package": <the package definition>}`. */
export function describeV3(pkg: PackageDefinition): JsonObject {
  return { package: packageJson(pkg) };
}

export function installV1(pkg: PackageDefinition, appId: string | undefined): JsonObject {
  return {
    packageName: pkg.name,
    packageVersion: pkg.version,
    ...(appId !== undefined ? { appId } : {}),
  };
}

export function installV2(pkg: PackageDefinition, appId: string | undefined): JsonObject {
  return {
    packageName: pkg.name,
    packageVersion: pkg.version,
    ...(appId !== undefined ? { appId } : {}),
    ...(pkg.postInstallNotes !== undefined ? { postInstallNotes: pkg.postInstallNotes } : {}),
    ...(pkg.resource?.cli !== undefined ? { cli: pkg.resource.cli } : {}),
  };
}

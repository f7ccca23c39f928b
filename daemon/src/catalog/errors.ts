/**
 * Cosmos's errors. Each answers `{type, message, data}` with Cosmos's type name and
 * status (400 unless Cosmos says otherwise), so DC/OS clients recognise them; the
 * MESOLITE_ERR_* code is for mesolite's own logs and scripts.
 */
import { MesoliteError } from '../errors.js';

export type CosmosErrorData = Record<string, unknown>;

export class CosmosError extends MesoliteError {
  readonly type: string;
  readonly data: CosmosErrorData | undefined;

  constructor(type: string, message: string, data?: CosmosErrorData, statusCode = 400) {
    super(
      `MESOLITE_ERR_COSMOS_${type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`,
      message,
      statusCode,
    );
    this.name = 'CosmosError';
    this.type = type;
    this.data = data;
  }

  /** The body Cosmos answers with (media type application/vnd.dcos.package.error+json). */
  toBody(): { type: string; message: string; data?: CosmosErrorData } {
    return this.data === undefined
      ? { type: this.type, message: this.message }
      : { type: this.type, message: this.message, data: this.data };
  }
}

export interface RepositoryRef {
  name: string;
  uri: string;
}

export const packageNotFound = (packageName: string) =>
  new CosmosError('PackageNotFound', `Package [${packageName}] not found`, { packageName });

export const versionNotFound = (packageName: string, packageVersion: string) =>
  new CosmosError(
    'VersionNotFound',
    `Version [${packageVersion}] of package [${packageName}] not found`,
    { packageName, packageVersion },
  );

export const packageAlreadyInstalled = () =>
  new CosmosError('PackageAlreadyInstalled', 'Package is already installed', undefined, 409);

export const packageNotInstalled = (packageName: string) =>
  new CosmosError('PackageNotInstalled', `Package [${packageName}] is not installed`, {
    packageName,
  });

export const ambiguousAppId = (packageName: string, appIds: string[]) =>
  new CosmosError(
    'AmbiguousAppId',
    `Multiple apps named [${packageName}] are installed: [${appIds.join(', ')}]`,
    { packageName, appIds },
  );

export const uninstallNonExistentAppForPackage = (packageName: string, appId: string) =>
  new CosmosError(
    'UninstallNonExistentAppForPackage',
    `Package [${packageName}] with id [${appId}] is not installed`,
    { packageName, appId },
  );

export const optionsNotAllowed = () =>
  new CosmosError('OptionsNotAllowed', 'No schema available to validate the provided options');

export const marathonTemplateMustBeJsonObject = () =>
  new CosmosError(
    'MarathonTemplateMustBeJsonObject',
    'Rendered Marathon JSON must be a JSON object',
  );

export const jsonParsingError = (
  underlyingType: string,
  parsingErrorMessage: string,
  parsingInput: string,
) =>
  new CosmosError('JsonParsingError', 'Unable to parse the string as a JSON value', {
    underlyingType,
    parsingErrorMessage,
    parsingInput,
  });

export const jsonDecodingError = (typeName: string, errorMessage: string, json: string) =>
  new CosmosError('JsonDecodingError', `Unable to decode the JSON value as a ${typeName}`, {
    typeName,
    errorMessage,
    json,
  });

export const repositoryUriConnection = (repository: RepositoryRef, cause: string) =>
  new CosmosError(
    'RepositoryUriConnection',
    `Could not access data at URI for repository [${repository.name}]: ${repository.uri} (${cause})`,
    { repository, cause },
  );

export const repositoryUriSyntax = (repository: RepositoryRef, cause: string) =>
  new CosmosError(
    'RepositoryUriSyntax',
    `URI for repository [${repository.name}] has invalid syntax: ${repository.uri}`,
    { repository, cause },
  );

export const unsupportedRepositoryUri = (uri: string) =>
  new CosmosError(
    'UnsupportedRepositoryUri',
    `Repository URI [${uri}] uses an unsupported scheme. Only http, https and file are supported`,
    { uri },
  );

export const unsupportedRepositoryVersion = (repository: RepositoryRef, found: string) =>
  new CosmosError(
    'UnsupportedContentType',
    `Repository [${repository.name}] at ${repository.uri} answered ${found || 'no content type'}; ` +
      'expected a Universe repository (application/vnd.dcos.universe.repo+json;version=v3, v4 or v5)',
    {
      supported: ['v3', 'v4', 'v5'].map(
        (v) => `application/vnd.dcos.universe.repo+json;charset=utf-8;version=${v}`,
      ),
      actual: found,
    },
  );

export const packageFileSchemaMismatch = (repository: RepositoryRef, problem: string) =>
  new CosmosError(
    'PackageFileSchemaMismatch',
    `Repository [${repository.name}] at ${repository.uri} is not a valid Universe repository: ${problem}`,
    { fileName: repository.uri, decodingFailure: problem },
  );

function describeNameOrUri(name: string | undefined, uri: string | undefined): CosmosErrorData {
  return { ...(name !== undefined ? { name } : {}), ...(uri !== undefined ? { uri } : {}) };
}

export const repositoryAlreadyPresent = (name: string | undefined, uri: string | undefined) =>
  new CosmosError(
    'RepositoryAlreadyPresent',
    name !== undefined && uri !== undefined
      ? `Repository name [${name}] and URI [${uri}] are both already present in the list`
      : name !== undefined
        ? `Repository name [${name}] is already present in the list`
        : `Repository URI [${uri}] is already present in the list`,
    describeNameOrUri(name, uri),
  );

export const repositoryNotPresent = (name: string | undefined, uri: string | undefined) =>
  new CosmosError(
    'RepositoryNotPresent',
    name !== undefined && uri !== undefined
      ? `Neither repository name [${name}] nor URI [${uri}] are present in the list`
      : name !== undefined
        ? `Repository name [${name}] is not present in the list`
        : `Repository URI [${uri}] is not present in the list`,
    describeNameOrUri(name, uri),
  );

export const repoNameOrUriMissing = () =>
  new CosmosError('RepoNameOrUriMissing', 'Must specify either the name or URI of the repository');

export const repositoryAddIndexOutOfBounds = (attempted: number, max: number) =>
  new CosmosError(
    'RepositoryAddIndexOutOfBounds',
    `Index (${attempted}) is out of range. Index value ${max === 0 ? 'can be at most 0' : `must be between 0 and ${max} inclusive.`}`,
    { attempted, max },
  );

export const unsupportedContentType = (supported: string[], actual: string | undefined) =>
  new CosmosError(
    'UnsupportedContentType',
    actual === undefined
      ? `Unspecified content type. Expected one of: ${supported.join(', ')}`
      : `Unsupported content type [${actual}]. Expected one of: ${supported.join(', ')}`,
    { supported, ...(actual !== undefined ? { actual } : {}) },
    415,
  );

export const notAcceptable = (available: string[]) =>
  new CosmosError(
    'NotAcceptable',
    `Item in Accept header not available. Acceptable media types: ${available.join(', ')}`,
    { available },
    406,
  );

export const jsonSchemaMismatch = (errors: readonly Record<string, unknown>[], summary: string) =>
  new CosmosError('JsonSchemaMismatch', `Options JSON failed validation: ${summary}`, { errors });

export const marathonAppDeleteError = (appId: string) =>
  new CosmosError('MarathonAppDeleteError', `Error while deleting marathon app '${appId}'`, {
    appId,
  });

export const marathonBadResponse = (status: number, message: string) =>
  new CosmosError(
    'MarathonBadResponse',
    `Received response status code ${status} from Marathon: ${message}`,
    { status, message },
    500,
  );

export const serviceUnavailable = (serviceName: string, cause: string) =>
  new CosmosError(
    'ServiceUnavailable',
    `Unable to complete request due to service [${serviceName}] unavailability: ${cause}`,
    { serviceName, cause },
    503,
  );

export const invalidRequest = (problem: string) =>
  new CosmosError('JsonDecodingError', `Unable to decode the request: ${problem}`, {
    errorMessage: problem,
  });

/** A service the catalog called for the user refused the user's own credentials. */
export const unauthorized = (serviceName: string) =>
  new CosmosError(
    'Unauthorized',
    `Unable to complete request due to Unauthorized response from service [${serviceName}]`,
    { serviceName },
    401,
  );

export const forbidden = (serviceName: string) =>
  new CosmosError(
    'Forbidden',
    `Unable to complete request due to Forbidden response from service [${serviceName}]`,
    { serviceName },
    403,
  );

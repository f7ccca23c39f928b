/**
 * The catalog's operations, as Cosmos's handlers define them, over the repository
 * list, the repositories' indexes and Marathon. HTTP and media types are the routes'
 * business; this module decides what to read, render, create and delete.
 *
 * Unlike Cosmos, a repository that cannot be read does not fail the request: it is
 * left out and named in `failures`, which the routes pass on as warnings.
 */
import { renderMarathonApp } from './app-renderer.js';
import {
  ambiguousAppId,
  type CosmosError,
  packageNotInstalled,
  uninstallNonExistentAppForPackage,
} from './errors.js';
import type { JsonObject } from './json-object.js';
import type { MarathonApp, MarathonGateway } from './marathon-gateway.js';
import {
  type LoadedRepository,
  listVersions,
  mergeRepositories,
  type Repository,
  type SearchResult,
  type SourcedPackage,
  search,
  selectPackage,
} from './package-collection.js';
import { LABELS } from './package-labels.js';
import type { RepositoryList } from './repository-list.js';
import type { RepositoryLoader } from './repository-loader.js';
import { decodePackageDefinition } from './storage-envelope.js';
import { fieldsWithout, type PackageDefinition } from './universe-schema.js';

export interface RepositoryFailure {
  repository: Repository;
  message: string;
}

export interface WithFailures<T> {
  value: T;
  failures: RepositoryFailure[];
}

export interface PackageSelector {
  packageName: string;
  packageVersion?: string | undefined;
}

export interface RenderRequest extends PackageSelector {
  options?: JsonObject | undefined;
  appId?: string | undefined;
}

export interface InstallResult {
  pkg: PackageDefinition;
  appId: string | undefined;
  /** The app as rendered and posted to Marathon, for checks on what it needs. */
  app: JsonObject | undefined;
}

export interface UninstallRequest {
  packageName: string;
  appId?: string | undefined;
  all?: boolean | undefined;
}

export interface UninstallResult {
  packageName: string;
  appId: string;
  packageVersion?: string;
  postUninstallNotes?: string;
}

export interface Installation {
  appId: string;
  packageInformation: {
    packageDefinition: JsonObject;
    resourceDefinition?: JsonObject;
  };
}

// Cosmos's installed PackageDetails: the descriptive fields, without the release version
// or what only describes how to run the package.
const INSTALLED_DETAILS = fieldsWithout(
  'releaseVersion',
  'minDcosReleaseVersion',
  'marathon',
  'resource',
  'config',
  'command',
  'lastUpdated',
  'hasKnownIssues',
  'upgradesFrom',
  'downgradesTo',
);

export class PackageManager {
  constructor(
    private readonly repositories: RepositoryList,
    private readonly load: RepositoryLoader,
    private readonly marathon: MarathonGateway,
  ) {}

  async loadAll(): Promise<WithFailures<SourcedPackage[]>> {
    const list = await this.repositories.list();
    const settled = await Promise.allSettled(list.map((repository) => this.load(repository)));
    const loaded: LoadedRepository[] = settled.map((result, index) => {
      const repository = list[index] as Repository;
      return result.status === 'fulfilled'
        ? { repository, packages: result.value.packages }
        : { repository, error: result.reason as Error };
    });
    const failures = loaded.flatMap((repo) =>
      'error' in repo ? [{ repository: repo.repository, message: repo.error.message }] : [],
    );
    return { value: mergeRepositories(loaded), failures };
  }

  async search(query: string | undefined): Promise<WithFailures<SearchResult[]>> {
    const { value, failures } = await this.loadAll();
    return { value: search(value, query), failures };
  }

  async select(selector: PackageSelector): Promise<WithFailures<SourcedPackage>> {
    const { value, failures } = await this.loadAll();
    try {
      return {
        value: selectPackage(value, selector.packageName, selector.packageVersion),
        failures,
      };
    } catch (err) {
      throw withFailures(err, failures);
    }
  }

  async listVersions(packageName: string): Promise<WithFailures<Record<string, number>>> {
    const { value, failures } = await this.loadAll();
    try {
      return { value: listVersions(value, packageName), failures };
    } catch (err) {
      throw withFailures(err, failures);
    }
  }

  async render(
    request: RenderRequest,
  ): Promise<WithFailures<{ pkg: PackageDefinition; app: JsonObject | undefined }>> {
    const { value, failures } = await this.select(request);
    const app = renderMarathonApp({
      pkg: value.pkg,
      sourceUri: value.source.uri,
      options: request.options,
      appId: request.appId,
    });
    return { value: { pkg: value.pkg, app }, failures };
  }

  async install(request: RenderRequest): Promise<WithFailures<InstallResult>> {
    const { value, failures } = await this.render(request);
    if (!value.app)
      return { value: { pkg: value.pkg, appId: undefined, app: undefined }, failures };
    const created = await this.marathon.createApp(value.app);
    return {
      value: { pkg: value.pkg, appId: created.id ?? String(value.app.id), app: value.app },
      failures,
    };
  }

  async uninstall(request: UninstallRequest): Promise<UninstallResult[]> {
    const apps = await this.#installedApps(request.packageName, request.appId);
    if (apps.length > 1 && request.all !== true) {
      throw ambiguousAppId(
        request.packageName,
        apps.map((app) => app.id),
      );
    }
    const results: UninstallResult[] = [];
    for (const app of apps) {
      await this.marathon.deleteApp(app.id);
      const frameworkName = app.labels?.[LABELS.frameworkName];
      if (frameworkName) {
        for (const id of await this.marathon.frameworkIds(frameworkName)) {
          await this.marathon.teardownFramework(id);
        }
      }
      const definition = decodePackageDefinition(app.labels?.[LABELS.definition] ?? '');
      const notes = [
        typeof definition?.postUninstallNotes === 'string'
          ? definition.postUninstallNotes
          : undefined,
        dataLeftBehind(app),
      ].filter((note): note is string => note !== undefined);
      const version = app.labels?.[LABELS.version];
      results.push({
        packageName: request.packageName,
        appId: app.id,
        ...(version !== undefined ? { packageVersion: version } : {}),
        ...(notes.length > 0 ? { postUninstallNotes: notes.join('\n') } : {}),
      });
    }
    return results;
  }

  async list(packageName?: string, appId?: string): Promise<Installation[]> {
    const apps = await this.marathon.listApps();
    const installations: Installation[] = [];
    for (const app of apps) {
      const name = app.labels?.[LABELS.name];
      if (name === undefined) continue;
      if (packageName !== undefined && name !== packageName) continue;
      if (appId !== undefined && canonical(appId) !== app.id) continue;
      const definition = decodePackageDefinition(app.labels?.[LABELS.definition] ?? '');
      if (!definition) continue;
      const details: JsonObject = {};
      for (const field of INSTALLED_DETAILS) {
        if (definition[field] !== undefined) details[field] = definition[field];
      }
      details.tags ??= [];
      const resource = definition.resource as JsonObject | undefined;
      const resourceDefinition: JsonObject = {};
      if (resource?.assets !== undefined) resourceDefinition.assets = resource.assets;
      if (resource?.images !== undefined) resourceDefinition.images = resource.images;
      installations.push({
        appId: app.id,
        packageInformation: {
          packageDefinition: details,
          ...(resource ? { resourceDefinition } : {}),
        },
      });
    }
    return installations.sort(
      (a, b) =>
        compare(
          String(a.packageInformation.packageDefinition.name),
          String(b.packageInformation.packageDefinition.name),
        ) || compare(a.appId, b.appId),
    );
  }

  async #installedApps(packageName: string, appId: string | undefined): Promise<MarathonApp[]> {
    let apps: MarathonApp[];
    if (appId !== undefined) {
      const app = await this.marathon.getApp(appId);
      if (!app) throw uninstallNonExistentAppForPackage(packageName, canonical(appId));
      apps = [app];
    } else {
      apps = await this.marathon.listApps();
    }
    const matching = apps.filter((app) => app.labels?.[LABELS.name] === packageName);
    if (matching.length === 0) throw packageNotInstalled(packageName);
    return matching;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function canonical(id: string): string {
  return `/${id.split('/').filter(Boolean).join('/')}`;
}

/** What stays on the agents after the app is gone: host paths and persistent volumes. */
export function dataLeftBehind(app: JsonObject): string | undefined {
  const container = app.container as { volumes?: Array<Record<string, unknown>> } | undefined;
  const kept = (container?.volumes ?? []).flatMap((volume) => {
    if (typeof volume.hostPath === 'string')
      return [`host path ${volume.hostPath} (was ${volume.containerPath})`];
    if (volume.persistent !== undefined)
      return [`persistent volume ${String(volume.containerPath)}`];
    return [];
  });
  return kept.length === 0 ? undefined : `Data left behind on the agents: ${kept.join(', ')}.`;
}

function withFailures(err: unknown, failures: RepositoryFailure[]): unknown {
  if (failures.length === 0 || !(err instanceof Error) || !('type' in err)) return err;
  const cosmos = err as CosmosError;
  const unread = failures
    .map((failure) => `[${failure.repository.name}] (${failure.message})`)
    .join(', ');
  cosmos.message = `${cosmos.message}; repositories that could not be read: ${unread}`;
  return cosmos;
}

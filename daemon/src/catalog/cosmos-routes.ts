/**
 * Cosmos's package API at the daemon's root, with DC/OS's media types on requests and
 * responses and Cosmos's `{type, message, data}` errors:
 *
 *   POST /package/search | describe | list-versions | render | install | uninstall | list
 *   POST /package/repository/list | add | delete
 *   GET  /capabilities
 *
 * Repositories that could not be read, and a package's Docker image that no connected
 * agent has, are reported in `Warning` headers (RFC 7234, code 199), since Cosmos's
 * bodies have no field for them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { AgentImages } from '../master/http/images-endpoint.js';
import { validator } from '../protocol/validate.js';
import type { Store } from '../store/store.js';
import { callAs } from './daemon-call.js';
import { CosmosError, invalidRequest, notAcceptable, unsupportedContentType } from './errors.js';
import { checkAppImage, fetchAgentImages } from './image-check.js';
import { MarathonGateway } from './marathon-gateway.js';
import {
  CAPABILITIES_TYPE,
  dcosPackageType,
  ERROR_TYPE,
  negotiateVersion,
  parseMediaType,
} from './media-types.js';
import { PackageManager, type PackageSelector, type RepositoryFailure } from './package-manager.js';
import { describeV2, describeV3, installV1, installV2 } from './package-responses.js';
import { RepositoryList } from './repository-list.js';
import { checkRepositoryUri, loadRepository, type RepositoryLoader } from './repository-loader.js';
import {
  DescribeRequest,
  InstallRequest,
  ListRequest,
  ListVersionsRequest,
  RenderRequest,
  RepositoryAddRequest,
  RepositoryDeleteRequest,
  RepositoryListRequest,
  SearchRequest,
  UninstallRequest,
} from './request-schemas.js';

export interface CatalogRoutesOptions {
  /** The catalog's namespace of the daemon's store. */
  store: Store;
  /** How a repository's index is read (tests may serve their own). */
  loader?: RepositoryLoader;
}

interface Answer {
  body: unknown;
  failures?: RepositoryFailure[];
  /** Further warnings for the caller, such as a Docker image no agent has. */
  warnings?: string[];
}

/** What a request is served with: the catalog acting as its caller. */
interface CatalogSession {
  manager: PackageManager;
  agentImages(): Promise<AgentImages[] | undefined>;
}

/** How long one call to Marathon or the master may take. */
const DAEMON_CALL_TIMEOUT_MS = 15_000;

interface Endpoint<S extends TSchema> {
  /** The `<kind>` of `<kind>-request` and `<kind>-response`. */
  kind: string;
  request: S;
  /** Response versions offered, and the one for clients that ask for plain JSON. */
  versions: readonly number[];
  fallback: number;
  handle(body: Static<S>, version: number, session: CatalogSession): Promise<Answer>;
}

function repositoryWarning(failure: RepositoryFailure): string {
  return `Repository [${failure.repository.name}] could not be read: ${failure.message}`;
}

function warning(text: string): string {
  // Header values are Latin-1; quotes and backslashes are escaped as quoted-string requires.
  return `199 mesolite "${text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&')}"`;
}

export function catalogRoutes(options: CatalogRoutesOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const repositories = new RepositoryList(options.store);
    const load = options.loader ?? loadRepository;
    // Marathon and the master are called as the caller, so their own role decides there too.
    const sessionFor = (request: FastifyRequest): CatalogSession => {
      const call = callAs(app, request, DAEMON_CALL_TIMEOUT_MS);
      return {
        manager: new PackageManager(repositories, load, new MarathonGateway(call)),
        agentImages: () => fetchAgentImages(call),
      };
    };
    // Describe shows the check for the default options, so that it comes before an install.
    const defaultImageWarnings = (session: CatalogSession, selector: PackageSelector) =>
      session.manager.render(selector).then(
        ({ value }) => checkAppImage(value.app, session.agentImages),
        () => [],
      );

    app.addContentTypeParser(
      /^application\/vnd\.dcos\.[^;]*\+json/,
      { parseAs: 'string' },
      (_request, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        if (text.trim() === '') return done(null, undefined);
        try {
          done(null, JSON.parse(text));
        } catch (err) {
          done(invalidRequest(`the body is not JSON: ${(err as Error).message}`), undefined);
        }
      },
    );

    app.setErrorHandler((error: Error, request, reply) => {
      reply.header('content-type', ERROR_TYPE);
      if (error instanceof CosmosError) return reply.code(error.statusCode).send(error.toBody());
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'catalog request failed');
      const type = status >= 500 ? 'InternalServerError' : 'JsonParsingError';
      return reply.code(status).send({ type, message: error.message });
    });

    function post<S extends TSchema>(path: string, endpoint: Endpoint<S>): void {
      const check = validator(endpoint.request, `${endpoint.kind}-request`);
      const requestType = dcosPackageType(`${endpoint.kind}-request`, 1);
      app.post(path, async (request: FastifyRequest, reply: FastifyReply) => {
        const contentType = request.headers['content-type'];
        const type = contentType === undefined ? undefined : parseMediaType(contentType);
        if (
          type?.subtype.startsWith('vnd.dcos.') &&
          type.subtype !== `vnd.dcos.package.${endpoint.kind}-request+json`
        ) {
          throw unsupportedContentType([requestType], contentType);
        }
        const version = negotiateVersion(
          request.headers.accept,
          `${endpoint.kind}-response`,
          endpoint.versions,
          endpoint.fallback,
        );
        if (version === undefined) {
          throw notAcceptable(
            endpoint.versions.map((v) => dcosPackageType(`${endpoint.kind}-response`, v)),
          );
        }
        let body: Static<S>;
        try {
          body = check.parse(request.body ?? {});
        } catch (err) {
          throw invalidRequest((err as Error).message);
        }
        const answer = await endpoint.handle(body, version, sessionFor(request));
        const warnings = [
          ...(answer.failures ?? []).map(repositoryWarning),
          ...(answer.warnings ?? []),
        ];
        // One header line each: fastify's reply.header replaces a header set twice.
        if (warnings.length > 0) reply.header('warning', warnings.map(warning));
        return reply
          .header('content-type', dcosPackageType(`${endpoint.kind}-response`, version))
          .send(answer.body);
      });
    }

    post('/package/search', {
      kind: 'search',
      request: SearchRequest,
      versions: [1],
      fallback: 1,
      async handle(body, _version, session) {
        const { value, failures } = await session.manager.search(body.query);
        return { body: { packages: value }, failures };
      },
    });

    post('/package/describe', {
      kind: 'describe',
      request: DescribeRequest,
      versions: [3, 2],
      fallback: 3,
      async handle(body, version, session) {
        const { value, failures } = await session.manager.select(body);
        return {
          body: version === 2 ? describeV2(value.pkg) : describeV3(value.pkg),
          failures,
          warnings: await defaultImageWarnings(session, body),
        };
      },
    });

    post('/package/list-versions', {
      kind: 'list-versions',
      request: ListVersionsRequest,
      versions: [1],
      fallback: 1,
      async handle(body, _version, session) {
        const { value, failures } = await session.manager.listVersions(body.packageName);
        return { body: { results: value }, failures };
      },
    });

    post('/package/render', {
      kind: 'render',
      request: RenderRequest,
      versions: [1],
      fallback: 1,
      async handle(body, _version, session) {
        const { value, failures } = await session.manager.render(body);
        if (!value.app) {
          throw new CosmosError(
            'ServiceMarathonTemplateNotFound',
            `Package: [${value.pkg.name}] version: [${value.pkg.version}] does not have a Marathon template defined and can not be rendered`,
            { packageName: value.pkg.name, packageVersion: value.pkg.version },
          );
        }
        return {
          body: { marathonJson: value.app },
          failures,
          warnings: await checkAppImage(value.app, session.agentImages),
        };
      },
    });

    post('/package/install', {
      kind: 'install',
      request: InstallRequest,
      versions: [2, 1],
      fallback: 2,
      async handle(body, version, session) {
        const { value, failures } = await session.manager.install(body);
        return {
          body:
            version === 1 ? installV1(value.pkg, value.appId) : installV2(value.pkg, value.appId),
          failures,
          warnings: await checkAppImage(value.app, session.agentImages),
        };
      },
    });

    post('/package/uninstall', {
      kind: 'uninstall',
      request: UninstallRequest,
      versions: [1],
      fallback: 1,
      async handle(body, _version, session) {
        return { body: { results: await session.manager.uninstall(body) } };
      },
    });

    post('/package/list', {
      kind: 'list',
      request: ListRequest,
      versions: [1],
      fallback: 1,
      async handle(body, _version, session) {
        return { body: { packages: await session.manager.list(body.packageName, body.appId) } };
      },
    });

    post('/package/repository/list', {
      kind: 'repository.list',
      request: RepositoryListRequest,
      versions: [1],
      fallback: 1,
      async handle() {
        return { body: { repositories: await repositories.list() } };
      },
    });

    post('/package/repository/add', {
      kind: 'repository.add',
      request: RepositoryAddRequest,
      versions: [1],
      fallback: 1,
      async handle(body) {
        const repository = { name: body.name, uri: body.uri };
        checkRepositoryUri(repository);
        // As Cosmos does: a repository that cannot be read is refused, not stored.
        await load(repository);
        return { body: { repositories: await repositories.add(repository, body.index) } };
      },
    });

    post('/package/repository/delete', {
      kind: 'repository.delete',
      request: RepositoryDeleteRequest,
      versions: [1],
      fallback: 1,
      async handle(body) {
        return { body: { repositories: await repositories.delete(body.name, body.uri) } };
      },
    });

    app.get('/capabilities', async (_request, reply) =>
      reply
        .header('content-type', CAPABILITIES_TYPE)
        .send({ capabilities: [{ name: 'PACKAGE_MANAGEMENT' }] }),
    );
  };
}

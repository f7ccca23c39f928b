/**
 * How the catalog reaches Marathon and the master: over HTTP, through the same
 * public APIs any DC/OS tool uses (`/service/marathon/v2/apps`, `/master/state`,
 * `POST /api/v1` TEARDOWN), never a back door into the plugin.
 */
import { marathonBadResponse, packageAlreadyInstalled, serviceUnavailable } from './errors.js';
import type { JsonObject } from './json-object.js';

const REQUEST_TIMEOUT_MS = 15_000;

export interface MarathonApp extends JsonObject {
  id: string;
  labels?: Record<string, string>;
}

export class MarathonGateway {
  constructor(private readonly baseUrl: () => string) {}

  async #request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl()}${path}`, {
        method,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw serviceUnavailable(
        path.startsWith('/service/marathon') ? 'marathon' : 'mesos',
        (err as Error).message,
      );
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      // Plain text (a master error, a proxy's page) is kept as it came.
    }
    return { status: response.status, body: parsed };
  }

  async listApps(): Promise<MarathonApp[]> {
    const answer = await this.#request('GET', '/service/marathon/v2/apps');
    checkPluginAnswered(answer.status);
    if (answer.status !== 200) throw marathonBadResponse(answer.status, messageOf(answer.body));
    return ((answer.body as { apps?: MarathonApp[] }).apps ?? []) as MarathonApp[];
  }

  async getApp(id: string): Promise<MarathonApp | undefined> {
    const answer = await this.#request('GET', `/service/marathon/v2/apps${encodeId(id)}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw marathonBadResponse(answer.status, messageOf(answer.body));
    return (answer.body as { app: MarathonApp }).app;
  }

  /** Creates the app; an app with that id already there is Cosmos's PackageAlreadyInstalled. */
  async createApp(app: JsonObject): Promise<MarathonApp> {
    const answer = await this.#request('POST', '/service/marathon/v2/apps', app);
    checkPluginAnswered(answer.status);
    if (answer.status === 409) throw packageAlreadyInstalled();
    if (answer.status !== 201 && answer.status !== 200) {
      throw marathonBadResponse(answer.status, messageOf(answer.body));
    }
    return answer.body as MarathonApp;
  }

  async deleteApp(id: string): Promise<boolean> {
    const answer = await this.#request(
      'DELETE',
      `/service/marathon/v2/apps${encodeId(id)}?force=true`,
    );
    if (answer.status === 404) return false;
    if (answer.status !== 200) throw marathonBadResponse(answer.status, messageOf(answer.body));
    return true;
  }

  /** Ids of the frameworks registered under `name` (active ones: a torn-down one is gone). */
  async frameworkIds(name: string): Promise<string[]> {
    const answer = await this.#request('GET', '/master/state');
    if (answer.status !== 200)
      throw serviceUnavailable('mesos', `/master/state answered ${answer.status}`);
    const frameworks =
      (answer.body as { frameworks?: Array<{ id: string; name: string }> }).frameworks ?? [];
    return frameworks
      .filter((framework) => framework.name === name)
      .map((framework) => framework.id);
  }

  async teardownFramework(frameworkId: string): Promise<void> {
    const answer = await this.#request('POST', '/api/v1', {
      type: 'TEARDOWN',
      teardown: { framework_id: { value: frameworkId } },
    });
    if (answer.status >= 300)
      throw serviceUnavailable(
        'mesos',
        `TEARDOWN answered ${answer.status}: ${messageOf(answer.body)}`,
      );
  }
}

/** What the daemon answers for a plugin that is not running (disabled, failed, absent). */
function checkPluginAnswered(status: number): void {
  if (status === 404 || status === 502 || status === 503) {
    throw serviceUnavailable(
      'marathon',
      `the Marathon plugin answered ${status}; enable it with \`mesolite plugin enable marathon\``,
    );
  }
}

function encodeId(id: string): string {
  return `/${id
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/')}`;
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(body).slice(0, 300);
}

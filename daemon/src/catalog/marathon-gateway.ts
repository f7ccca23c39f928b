/**
 * How the catalog reaches Marathon and the master: through the same public APIs any
 * DC/OS tool uses (`/service/marathon/v2/apps`, `/master/state`, `POST /api/v1`
 * TEARDOWN), as the user whose request it serves, never a back door into the plugin.
 */
import type { DaemonAnswer, DaemonCall } from './daemon-call.js';
import {
  forbidden,
  marathonBadResponse,
  packageAlreadyInstalled,
  serviceUnavailable,
  unauthorized,
} from './errors.js';
import type { JsonObject } from './json-object.js';

export interface MarathonApp extends JsonObject {
  id: string;
  labels?: Record<string, string>;
}

export class MarathonGateway {
  constructor(private readonly call: DaemonCall) {}

  async #request(method: string, path: string, body?: unknown): Promise<DaemonAnswer> {
    const service = path.startsWith('/service/marathon') ? 'marathon' : 'mesos';
    let answer: DaemonAnswer;
    try {
      answer = await this.call(method, path, body);
    } catch (err) {
      throw serviceUnavailable(service, (err as Error).message);
    }
    // The caller's own credentials went along: a refusal is theirs, as Cosmos reports it.
    if (answer.status === 401) throw unauthorized(service);
    if (answer.status === 403) throw forbidden(service);
    return answer;
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

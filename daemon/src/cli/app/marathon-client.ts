/** The Marathon plugin's v2 API at `<master>/service/marathon`, and its app ids in paths. */
import { ServiceClient } from '../service-client.js';
import { MarathonRefusedError } from './errors.js';

const segments = (id: string) => id.split('/').filter((segment) => segment !== '');

/** An app id as the API spells it: absolute, `web` and `/web/` are both `/web`. */
export function canonicalAppId(id: string): string {
  return `/${segments(id).join('/')}`;
}

/** An app id as the URL path under /v2/apps/: leading slash dropped, each segment escaped. */
export function appPath(id: string): string {
  return segments(id).map(encodeURIComponent).join('/');
}

/** Marathon's v2 API; a refusal keeps Marathon's body for the 422 and 409 details. */
export class MarathonClient extends ServiceClient {
  constructor(master: string) {
    super(
      master,
      '/service/marathon',
      (path, status, body) => new MarathonRefusedError(path, status, body),
    );
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Static, Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import { CredentialsFileError } from './errors.js';

/** Mesos's --credentials file: `{"credentials": [{"principal": ..., "secret": ...}]}`. */
export const MesosCredentialsSchema = Type.Object({
  credentials: Type.Array(
    Type.Object({
      principal: Type.String({ minLength: 1 }),
      secret: Type.String({ minLength: 1 }),
    }),
  ),
});
export type MesosCredentials = Static<typeof MesosCredentialsSchema>;
const mesosCredentials = validator(MesosCredentialsSchema, 'the credentials file');

/**
 * The principals HTTP frameworks (and plugins running elsewhere) authenticate as, with
 * HTTP Basic, as Mesos's --authenticate_http_frameworks expects.
 */
export class FrameworkPrincipals {
  readonly #secrets: ReadonlyMap<string, Buffer>;

  constructor(credentials: MesosCredentials['credentials']) {
    this.#secrets = new Map(credentials.map((entry) => [entry.principal, digest(entry.secret)]));
  }

  static async load(path: string): Promise<FrameworkPrincipals> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new CredentialsFileError(path, (err as Error).message);
    }
    try {
      return new FrameworkPrincipals(mesosCredentials.parse(parsed).credentials);
    } catch (err) {
      throw new CredentialsFileError(path, (err as Error).message);
    }
  }

  /** Whether `secret` is the principal's, compared in constant time. */
  check(principal: string, secret: string): boolean {
    const expected = this.#secrets.get(principal);
    const matches = timingSafeEqual(digest(secret), expected ?? digest(`\0${secret}`));
    return expected !== undefined && matches;
  }

  has(principal: string): boolean {
    return this.#secrets.has(principal);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Static, Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import { writeAtomically } from '../tls/atomic-write.js';
import { CredentialsFileError } from './errors.js';

const SavedMasterSchema = Type.Object({
  /** The login token `mesolite login` got. */
  token: Type.String({ minLength: 1 }),
  /** The CA certificate (PEM) the master was verified with at login, if not the system's. */
  caCert: Type.Optional(Type.String()),
});
export type SavedMaster = Static<typeof SavedMasterSchema>;

const SavedCredentialsSchema = Type.Object({
  masters: Type.Record(Type.String(), SavedMasterSchema),
});
type SavedCredentials = Static<typeof SavedCredentialsSchema>;
const savedCredentials = validator(SavedCredentialsSchema, 'the saved credentials');

/** ~/.mesolite/credentials, or MESOLITE_CREDENTIALS. */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.MESOLITE_CREDENTIALS ?? join(homedir(), '.mesolite', 'credentials');
}

/**
 * Credentials are kept per master origin, so `http://h:5050/` and `http://h:5050` are one,
 * and per highly available cluster by its zk:// URL (its digest credentials left out).
 */
export function masterKey(master: string): string {
  if (master.startsWith('zk://')) {
    return master.replace(/^zk:\/\/[^@/]*@/, 'zk://').replace(/\/+$/, '');
  }
  return new URL(master).origin;
}

async function readAll(path: string): Promise<SavedCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { masters: {} };
    throw new CredentialsFileError(path, (err as Error).message);
  }
  try {
    return savedCredentials.parse(JSON.parse(text));
  } catch (err) {
    throw new CredentialsFileError(path, `${(err as Error).message}; delete it and log in again`);
  }
}

export async function savedMaster(path: string, master: string): Promise<SavedMaster | undefined> {
  return (await readAll(path)).masters[masterKey(master)];
}

/** Stores a login; the file is the user's alone (0600), as the token acts as them. */
export async function saveMaster(path: string, master: string, entry: SavedMaster): Promise<void> {
  const all = await readAll(path);
  all.masters[masterKey(master)] = entry;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomically(path, `${JSON.stringify(all, null, 2)}\n`, 0o600);
}

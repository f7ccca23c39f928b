import { type Static, Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import type { Store } from '../store/store.js';
import { InvalidUserError, UnknownUserError, UserExistsError } from './errors.js';
import {
  hashPassword,
  PasswordHashSchema,
  verifyAgainstNobody,
  verifyPassword,
} from './password-hash.js';
import { type Role, RoleSchema } from './roles.js';

/** DC/OS's rule for a uid, which also keeps it a valid store key segment. */
export const UID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,95}$';
export const UidSchema = Type.String({ pattern: UID_PATTERN });

const StoredUserSchema = Type.Object({
  uid: UidSchema,
  description: Type.String(),
  role: RoleSchema,
  password: PasswordHashSchema,
});
type StoredUser = Static<typeof StoredUserSchema>;
const storedUser = validator(StoredUserSchema, 'a stored user');

/** A user as everyone but the password check sees it. */
export interface LocalUser {
  readonly uid: string;
  readonly description: string;
  readonly role: Role;
}

export interface NewUser {
  readonly uid: string;
  readonly password: string;
  readonly role: Role;
  readonly description?: string | undefined;
}

const MIN_PASSWORD_LENGTH = 8;
/** Where the users are kept in the `auth` namespace, one key each. */
export const USERS_KEY_PREFIX = 'users/';
const KEY_PREFIX = USERS_KEY_PREFIX;

/**
 * The local users, kept in the daemon's store (the `auth` namespace) so they survive a
 * kill -9 like everything else the master acknowledged. Passwords are scrypt hashes
 * with a salt per user; nothing can read a password back.
 */
export class LocalUserStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async add(user: NewUser): Promise<LocalUser> {
    if (!new RegExp(UID_PATTERN).test(user.uid)) {
      throw new InvalidUserError(
        `"${user.uid}" is not a user name: use letters, digits, '.', '_', '@' and '-' (at most 96)`,
      );
    }
    if (user.password.length < MIN_PASSWORD_LENGTH) {
      throw new InvalidUserError(
        `the password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    if (await this.#read(user.uid)) throw new UserExistsError(user.uid);
    const stored: StoredUser = {
      uid: user.uid,
      description: user.description ?? '',
      role: user.role,
      password: await hashPassword(user.password),
    };
    await this.#store.put(KEY_PREFIX + user.uid, stored);
    return publicView(stored);
  }

  async remove(uid: string): Promise<void> {
    if (!(await this.#read(uid))) throw new UnknownUserError(uid);
    await this.#store.del(KEY_PREFIX + uid);
  }

  async get(uid: string): Promise<LocalUser | undefined> {
    const stored = await this.#read(uid);
    return stored && publicView(stored);
  }

  async list(): Promise<LocalUser[]> {
    const users: LocalUser[] = [];
    for await (const [, value] of this.#store.entries(KEY_PREFIX)) {
      users.push(publicView(storedUser.parse(value)));
    }
    return users;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.list()).some((user) => user.role === 'admin');
  }

  /** The user if the password is theirs; a wrong password and an unknown user look the same. */
  async authenticate(uid: string, password: string): Promise<LocalUser | undefined> {
    const stored = await this.#read(uid);
    if (!stored) return verifyAgainstNobody(password).then(() => undefined);
    return (await verifyPassword(password, stored.password)) ? publicView(stored) : undefined;
  }

  async #read(uid: string): Promise<StoredUser | undefined> {
    if (!new RegExp(UID_PATTERN).test(uid)) return undefined;
    const value = await this.#store.get(KEY_PREFIX + uid);
    return value === undefined ? undefined : storedUser.parse(value);
  }
}

function publicView(user: StoredUser): LocalUser {
  return { uid: user.uid, description: user.description, role: user.role };
}

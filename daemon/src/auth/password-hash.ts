import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from 'typebox';

export const PasswordHashSchema = Type.Object({
  algorithm: Type.Literal('scrypt'),
  N: Type.Integer({ minimum: 2 }),
  r: Type.Integer({ minimum: 1 }),
  p: Type.Integer({ minimum: 1 }),
  salt: Type.String(),
  hash: Type.String(),
});
export type PasswordHash = Static<typeof PasswordHashSchema>;

/** OWASP's scrypt minimum (N=2^17 is its first choice, but costs 128 MiB per login). */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }) {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A salted scrypt hash, with its parameters stored beside it so they can be raised later. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, COST);
  return {
    algorithm: 'scrypt',
    ...COST,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
  };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<PasswordHash> | undefined;

/**
 * Spends what checking a real password costs, so that a login for a user who does not
 * exist takes as long as one with a wrong password and does not reveal who exists.
 */
export async function verifyAgainstNobody(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummy);
  return false;
}

import { type Static, Type } from 'typebox';

/** admin may do everything; viewer may read every API and page and change nothing. */
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('viewer')]);
export type Role = Static<typeof RoleSchema>;

export const ROLES: readonly Role[] = ['admin', 'viewer'];

/** Methods that read. Everything else changes something and is an admin's. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function roleAllows(role: Role, method: string): boolean {
  return role === 'admin' || READ_METHODS.has(method.toUpperCase());
}

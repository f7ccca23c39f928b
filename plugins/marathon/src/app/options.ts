/**
 * What reading an app definition depends on beyond the definition itself: Marathon's
 * command-line flags and the group the app is posted into.
 */
import { PathId, tryParsePathId } from '../path-id.js';
import { APP_DEFAULTS } from './defaults.js';

/** The `--enable_features` of Marathon that mesolite can honour. */
export type AppFeature = 'gpu_resources';

export interface ParseAppOptions {
  /**
   * The group that relative ids and dependencies resolve against. POST /v2/apps resolves
   * both against the root, as Marathon does (even dependencies of a nested app); a group
   * definition passes its own id.
   */
  readonly base?: PathId;
  /** Marathon's --mesos_role: the role of an app that names none. Default "*". */
  readonly defaultRole?: string;
  /**
   * The roles the app may name. Default: Marathon's RoleSettings for a group that does
   * not enforce its role, i.e. the default role and, for an app inside a top-level group,
   * that group's name.
   */
  readonly validRoles?: readonly string[];
  /** Marathon's --default_network_name, given to container networks without a name. */
  readonly defaultNetworkName?: string;
  /** Marathon's --enable_features, as far as mesolite supports them. Default none. */
  readonly enabledFeatures?: readonly AppFeature[];
}

export interface ResolvedParseOptions {
  readonly base: PathId;
  readonly defaultRole: string;
  readonly validRoles: readonly string[];
  readonly defaultNetworkName: string | undefined;
  readonly enabledFeatures: ReadonlySet<AppFeature>;
}

/** Fills in the defaults; `rawId` is the app's id as given, for the role defaults. */
export function resolveParseOptions(rawId: string, options: ParseAppOptions): ResolvedParseOptions {
  const base = options.base ?? PathId.root;
  const defaultRole = options.defaultRole ?? APP_DEFAULTS.role;
  return {
    base,
    defaultRole,
    validRoles: options.validRoles ?? defaultValidRoles(rawId, base, defaultRole),
    defaultNetworkName: options.defaultNetworkName,
    enabledFeatures: new Set(options.enabledFeatures ?? []),
  };
}

function defaultValidRoles(rawId: string, base: PathId, defaultRole: string): string[] {
  const parsed = tryParsePathId(rawId, { base });
  const topLevelGroup = parsed.ok && !parsed.id.isTopLevel ? parsed.id.segments[0] : undefined;
  return topLevelGroup === undefined || topLevelGroup === defaultRole
    ? [defaultRole]
    : [defaultRole, topLevelGroup];
}

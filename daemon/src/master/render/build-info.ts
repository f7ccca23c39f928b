/**
 * What Mesos reports about its own build: `version()` in src/version/version.hpp, the
 * body of GET /version, GET_VERSION's `version_info`, and the top of /master/state.
 */
import type { ClusterView } from '../model.js';

/** How the daemon was built. The version itself is the master's MasterInfo.version. */
export interface BuildInfo {
  /** Mesos's format: `2016-02-15 10:00:28`. */
  readonly buildDate: string;
  /** Seconds since the epoch. */
  readonly buildTime: number;
  readonly buildUser: string;
  readonly gitSha?: string;
  readonly gitBranch?: string;
  readonly gitTag?: string;
}

/** Used when the caller knows nothing about the build; Mesos writes these fields always. */
export const UNKNOWN_BUILD: BuildInfo = { buildDate: '', buildTime: 0, buildUser: '' };

/** `mesos.v1.VersionInfo` in its JSON form. */
export interface VersionInfo {
  version: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
  build_date: string;
  build_time: number;
  build_user: string;
}

export function versionInfo(view: ClusterView, build: BuildInfo = UNKNOWN_BUILD): VersionInfo {
  const info: VersionInfo = {
    version: view.masterInfo.version ?? '',
    build_date: build.buildDate,
    build_time: build.buildTime,
    build_user: build.buildUser,
  };
  // git_* appear only when the build knew them, as in Mesos.
  if (build.gitSha !== undefined) info.git_sha = build.gitSha;
  if (build.gitBranch !== undefined) info.git_branch = build.gitBranch;
  if (build.gitTag !== undefined) info.git_tag = build.gitTag;
  return info;
}

/**
 * What a newly elected master does to its work dir so that it holds exactly the
 * installed plugins the replicated record holds: the record is compared with the
 * installed folders and every plugin sorted into one bucket. It decides; the installer
 * acts.
 */

/** An installed plugin folder in WORK_DIR/plugins/. */
export interface LocalPackage {
  readonly name: string;
  /**
   * The SHA-256 of the package it was unpacked from, written beside it when it was
   * installed from or into the replicated record; undefined for a folder put there by
   * other means (by hand, or by a master that ran without ZooKeeper).
   */
  readonly sha256: string | undefined;
}

export interface ReplicatedDigest {
  readonly name: string;
  readonly sha256: string;
}

export interface PackageSyncPlan {
  /** In the record, not in the work dir: unpacked from the record. */
  readonly install: string[];
  /** In both, but not the same package: replaced by the record's. */
  readonly replace: string[];
  /** Came from the record, which no longer has it: removed on another master. */
  readonly remove: string[];
  /** The same package in both. */
  readonly keep: string[];
  /**
   * Installed here by other means and unknown to the record: left as it is (it may be an
   * operator's own), and it runs on this master only.
   */
  readonly unreplicated: string[];
}

export function planPackageSync(
  replicated: readonly ReplicatedDigest[],
  local: readonly LocalPackage[],
): PackageSyncPlan {
  const plan: PackageSyncPlan = {
    install: [],
    replace: [],
    remove: [],
    keep: [],
    unreplicated: [],
  };
  const here = new Map(local.map((entry) => [entry.name, entry]));
  const recorded = new Set<string>();
  for (const { name, sha256 } of replicated) {
    recorded.add(name);
    const mine = here.get(name);
    if (!mine) plan.install.push(name);
    else if (mine.sha256 === sha256) plan.keep.push(name);
    else plan.replace.push(name);
  }
  for (const { name, sha256 } of local) {
    if (recorded.has(name)) continue;
    if (sha256 === undefined) plan.unreplicated.push(name);
    else plan.remove.push(name);
  }
  return plan;
}

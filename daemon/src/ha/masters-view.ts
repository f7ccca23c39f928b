/**
 * `GET /mesolite/v1/masters`: the masters of a highly available cluster as one of them
 * sees it, for the web UI (which master leads, whether the page is on a follower, where
 * to go when the master it was on is gone) and for `mesolite master leader`. Mesos has
 * no such endpoint (its UI reads `leader` from /master/state, which a follower
 * redirects, and a browser cannot follow a redirect to another origin), so it is a
 * mesolite extension with its own path. The browser imports this file for its types.
 */
import { type Static, Type } from 'typebox';
import type { MasterInfo } from '../protocol/mesos.js';
import { masterHostPort } from './leader-znode.js';

export const MASTERS_PATH = '/mesolite/v1/masters';

export const MasterSummary = Type.Object({
  /** MasterInfo.id */
  id: Type.String(),
  /** `master@ip:port`, as /master/state's `pid` and `leader`. */
  pid: Type.String(),
  /** `host:port` that clients reach it at, as /master/redirect writes it. */
  address: Type.String(),
});
export type MasterSummary = Static<typeof MasterSummary>;

export const MastersView = Type.Object({
  /** The master that answered. */
  self: MasterSummary,
  /** Whether the answering master leads. */
  leading: Type.Boolean(),
  /** The leading master as the answering one knows it; null while none is elected. */
  leader: Type.Union([MasterSummary, Type.Null()]),
  /**
   * When the leader was elected, in seconds since the epoch like /master/state's
   * `elected_time`; only the leader itself knows it (null elsewhere).
   */
  elected_time: Type.Union([Type.Number(), Type.Null()]),
  /** Every master present in the election, in election order (the leader first). */
  masters: Type.Array(MasterSummary),
  /** --quorum: how many masters must be present before the elected one recovers. */
  quorum: Type.Object({ required: Type.Integer(), present: Type.Integer() }),
});
export type MastersView = Static<typeof MastersView>;

export function masterSummary(info: MasterInfo): MasterSummary {
  return {
    id: info.id,
    pid: info.pid ?? `master@${masterHostPort(info)}`,
    address: masterHostPort(info),
  };
}

export interface MastersViewInput {
  readonly self: MasterInfo;
  readonly leading: boolean;
  readonly leader: MasterInfo | undefined;
  /** When this master was elected (ms since the epoch), while it leads. */
  readonly electedAt: number | undefined;
  readonly members: readonly MasterInfo[];
  readonly quorum: number;
}

export function mastersView(input: MastersViewInput): MastersView {
  const masters = input.members.map(masterSummary);
  // Until ZooKeeper has listed the group, this master at least is known to be there.
  if (!masters.some((master) => master.id === input.self.id))
    masters.push(masterSummary(input.self));
  return {
    self: masterSummary(input.self),
    leading: input.leading,
    leader: input.leader ? masterSummary(input.leader) : null,
    elected_time: input.leading && input.electedAt !== undefined ? input.electedAt / 1000 : null,
    masters,
    quorum: { required: input.quorum, present: input.members.length },
  };
}

import { MasterInfo } from '../protocol/mesos.js';
import { validator } from '../protocol/validate.js';

/**
 * Mesos's group label for masters: each contender holds `json.info_NNNNNNNNNN` (an
 * ephemeral sequential znode) under the --zk path, with its MasterInfo as JSON, and
 * the lowest sequence leads. Keeping to it lets tools that find Mesos's leader in
 * ZooKeeper (mesos-resolve, Marathon's and Chronos's --master zk://...) find ours.
 */
export const MASTER_INFO_PREFIX = 'json.info_';

const MEMBER_NAME = /^json\.info_(\d+)$/;
const masterInfoValidator = validator(MasterInfo, 'MasterInfo');

export interface Contender {
  readonly name: string;
  readonly sequence: number;
}

/** The masters among a path's children, in election order (lowest sequence first). */
export function contendersOf(children: readonly string[]): Contender[] {
  const contenders: Contender[] = [];
  for (const name of children) {
    const match = MEMBER_NAME.exec(name);
    if (match?.[1] !== undefined) contenders.push({ name, sequence: Number(match[1]) });
  }
  return contenders.sort((a, b) => a.sequence - b.sequence);
}

export type ElectionStanding =
  | { readonly kind: 'leading' }
  | { readonly kind: 'following'; readonly predecessor: string }
  | { readonly kind: 'absent' };

/**
 * Where `own` stands: leading, or following the contender just ahead of it (watching
 * only that one, so a leader's exit wakes one master, not all of them), or absent.
 */
export function standingOf(children: readonly string[], own: string): ElectionStanding {
  const contenders = contendersOf(children);
  const index = contenders.findIndex((contender) => contender.name === own);
  if (index === -1) return { kind: 'absent' };
  const predecessor = contenders[index - 1];
  return predecessor ? { kind: 'following', predecessor: predecessor.name } : { kind: 'leading' };
}

/** The full path of the contender znode `name` under the election path. */
export function contenderPath(path: string, name: string): string {
  return `${path === '/' ? '' : path}/${name}`;
}

export function encodeMasterInfo(info: MasterInfo): Buffer {
  return Buffer.from(JSON.stringify(info), 'utf8');
}

/** The MasterInfo in a leader znode; undefined when it is not Mesos's JSON MasterInfo. */
export function decodeMasterInfo(data: Buffer): MasterInfo | undefined {
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    return masterInfoValidator.check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `host:port` of a master, as Mesos's redirect writes it: hostname if known, else its address. */
export function masterHostPort(info: MasterInfo): string {
  const host =
    info.hostname || info.address?.hostname || info.address?.ip || ipFromMesosUint32(info.ip);
  return `${host.includes(':') ? `[${host}]` : host}:${info.port}`;
}

function ipFromMesosUint32(ip: number): string {
  return [ip & 0xff, (ip >>> 8) & 0xff, (ip >>> 16) & 0xff, ip >>> 24].join('.');
}

/**
 * `mesolite master leader` and `mesolite master resolve`: which master leads.
 *
 * - `leader` asks the leading master itself (its /master/state has Mesos's `leader`,
 *   `leader_info` and `elected_time`) and lists the masters in the election;
 * - `resolve` is mesos-resolve: given `zk://…` (or a master's URL) it prints the
 *   leader's `ip:port`, Mesos's pid without `master@`, and nothing else, for scripts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { MasterAccessFlags } from '../auth/master-fetch.js';
import { masterHostPort } from '../ha/leader-znode.js';
import { MASTERS_PATH, type MastersView } from '../ha/masters-view.js';
import { DEFAULT_RESOLVE_TIMEOUT_MS, resolveLeader } from '../ha/resolve-leader.js';
import type { MasterInfo } from '../protocol/mesos.js';
import { reporting } from './command-support.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import { DEFAULT_MASTER, masterOption } from './master-option.js';
import { requestMaster } from './master-request.js';

/** What `leader` reads of /master/state: the fields Mesos's state has for it. */
interface LeaderFields {
  leader?: string;
  leader_info?: { id: string; pid: string; hostname: string; port: number };
  elected_time?: number;
}

export function masterLeaderCommand(): Command {
  return withCredentialOptions(
    new Command('leader')
      .description(
        "the leading master's address and when it was elected, Mesos's /master/state fields",
      )
      .addOption(masterOption())
      .option('--json', 'print leader, leader_info and elected_time as JSON'),
  ).action(
    reporting('master leader', async (flags: MasterAccessFlags & { json?: boolean }) => {
      const send = await clientFetch(flags);
      // A follower redirects /master/state to the leader; fetch follows it.
      const state = await requestMaster<LeaderFields>(send, flags.master, 'GET', '/master/state');
      const fields = {
        leader: state.leader ?? null,
        leader_info: state.leader_info ?? null,
        elected_time: state.elected_time ?? null,
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(fields)}\n`);
        return;
      }
      if (fields.leader === null || fields.leader_info === null) {
        process.stdout.write('leader:  none elected\n');
        return;
      }
      const address = `${fields.leader_info.hostname}:${fields.leader_info.port}`;
      process.stdout.write(`leader:  ${fields.leader} (${address})\n`);
      if (fields.elected_time !== null) {
        const when = new Date(fields.elected_time * 1000).toISOString();
        process.stdout.write(`elected: ${when} (elected_time ${fields.elected_time})\n`);
      }
      const masters = await mastersOf(send, flags.master);
      if (masters !== undefined) {
        const listed = masters.masters.map((master) =>
          master.id === fields.leader_info?.id ? `${master.address} (leading)` : master.address,
        );
        process.stdout.write(`masters: ${listed.join(', ')}\n`);
      }
    }),
  );
}

/** The masters in the election as the leader lists them; undefined for a master without --zk. */
async function mastersOf(send: typeof fetch, master: string): Promise<MastersView | undefined> {
  try {
    return await requestMaster<MastersView>(send, master, 'GET', MASTERS_PATH);
  } catch {
    return undefined;
  }
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!(seconds > 0)) throw new InvalidArgumentError('a number of seconds greater than 0.');
  return seconds;
}

export function masterResolveCommand(): Command {
  return new Command('resolve')
    .description(
      "print the leading master's ip:port, as mesos-resolve does (zk://HOST:PORT/PATH or a master's URL)",
    )
    .argument('[master]', 'zk://HOST:PORT[,HOST:PORT...]/PATH, or a master URL or host:port')
    .addOption(
      new Option('--timeout <seconds>', 'how long to look for a leader')
        .argParser(parseTimeout)
        .default(DEFAULT_RESOLVE_TIMEOUT_MS / 1000),
    )
    .action(
      reporting('master resolve', async (given: string | undefined, flags: { timeout: number }) => {
        const master = given ?? process.env.MESOLITE_MASTER ?? DEFAULT_MASTER;
        const timeoutMs = flags.timeout * 1000;
        if (master.startsWith('zk://')) {
          const { info } = await resolveLeader(master, { timeoutMs });
          process.stdout.write(`${pidAddress(info)}\n`);
          return;
        }
        const url = /^[a-z]+:\/\//i.test(master) ? master : `http://${master}`;
        const state = await requestMaster<LeaderFields>(fetch, url, 'GET', '/master/state');
        if (state.leader === undefined) throw new Error(`${url} names no leading master`);
        process.stdout.write(`${state.leader.replace(/^master@/, '')}\n`);
      }),
    );
}

/** mesos-resolve prints the leader's pid without `master@`. */
function pidAddress(info: MasterInfo): string {
  return info.pid?.replace(/^master@/, '') ?? masterHostPort(info);
}

import { Command } from 'commander';
import { addDaemonFlags, type DaemonFlags } from './daemon-flags.js';
import { runDaemon } from './run-daemon.js';

export function upCommand(): Command {
  return addDaemonFlags(
    new Command('up').description(
      'start the daemon: master, agent and plugins, serving the API and UI',
    ),
  ).action((flags: DaemonFlags) => runDaemon(flags, true));
}

export function masterCommand(): Command {
  return addDaemonFlags(
    new Command('master').description('start a master (with its plugins) and no local agent'),
  ).action((flags: DaemonFlags) => runDaemon(flags, false));
}

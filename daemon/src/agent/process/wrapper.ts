/**
 * The small POSIX shell program that stands between the agent and a task, in the place
 * of Mesos's command executor. It exists because of two facts:
 *
 * - Only a parent learns how a process ended. When the agent dies, the task is
 *   re-parented to pid 1, which reaps it and forgets the status. So the wrapper, not the
 *   agent, is the task's parent; it writes the status to a file in the sandbox, where a
 *   restarted agent finds it.
 * - A task must be in its cgroup before it runs anything. The wrapper writes its own pid
 *   to the cgroup's cgroup.procs first, then starts the command, which inherits the
 *   cgroup on fork. Writing the pid from the agent after spawn() would race the
 *   wrapper's fork of the command: in cgroup v1 moving a pid does not move its children.
 *
 * It uses shell builtins only (trap, echo, printf, exit), so a task's PATH cannot break
 * it, and it costs one small shell process (dash: about 1 MB) next to the task.
 *
 * Arguments: $1 status file, $2 `keep` or `unset` (see PWD below), $3 number of
 * cgroup.procs files, then those files, then the mode and its operands:
 *   shell VALUE                   runs /bin/sh -c VALUE
 *   exec PROGRAM ARG...           runs PROGRAM with ARG..., argv[0] = PROGRAM
 *   exec-as ARGV0 PROGRAM ARG...  the same with argv[0] = ARGV0 (through perl, see below)
 *
 * The command gets the task's environment: dash exports PWD to its children even when
 * it was not in its environment, so the wrapper unsets it again unless the task's
 * environment had one (`sh -c VALUE` then sets its own, as it does under Mesos). A shell
 * passes on only variables whose names are shell identifiers, so a name such as "a.b"
 * does not reach the command; under Mesos it reaches shell=false commands only.
 */
import { existsSync } from 'node:fs';
import type { CommandInfo } from '../../protocol/mesos.js';

/** The wrapper's $0: shells prefix their errors with it ("mesolite-executor: 1: exec: ..."). */
export const WRAPPER_NAME = 'mesolite-executor';

/** Where in the sandbox the containerizer keeps what it needs (hidden beside the task's files). */
export const STATE_DIR = '.mesolite';
export const STATUS_FILE = 'exit_status';
export const PERL = '/usr/bin/perl';

// POSIX sh cannot choose argv[0]. bash's `exec -a` can, but its exec also exports
// SHLVL; perl's exec { PROGRAM } LIST changes nothing else. Its errors read like dash's.
const PERL_EXEC_AS =
  'my ($a, $p, @r) = @ARGV; exec { $p } $a, @r; ' +
  'print STDERR "$p: ", ($!{ENOENT} ? "not found" : "$!"), "\\n"; exit($!{ENOENT} ? 127 : 126);';

const RUN_COMMAND = `case $mode in
    shell) exec /bin/sh -c "$1" ;;
    exec) exec "$@" ;;
    exec-as) exec ${PERL} -e '${PERL_EXEC_AS}' "$@" ;;
  esac`;

// SIGTERM is sent to the whole process group: the wrapper catches it (a caught signal is
// reset to the default in the command, an ignored one would be inherited) and stays to
// record how the command ended. A TERM that arrives before the command started means
// the task was killed during launch: it does not start it at all.
export const WRAPPER_SCRIPT = `status_file=$1
pwd_mode=$2
n=$3
shift 3
term=
trap 'term=1' TERM
while [ "$n" -gt 0 ]; do
  if ! echo $$ > "$1"; then
    printf 'launch-failed could not join the cgroup (%s)\\n' "$1" > "$status_file"
    exit 125
  fi
  shift
  n=$((n - 1))
done
mode=$1
shift
if [ -n "$term" ]; then
  s=143
else
  (
  if [ "$pwd_mode" = unset ]; then unset PWD; fi
  ${RUN_COMMAND}
  )
  s=$?
fi
printf '%s\\n' "$s" > "$status_file"
exit "$s"
`;

/** The operands after the cgroup files: how the wrapper runs the command. */
export function commandOperands(command: CommandInfo): string[] {
  const value = command.value ?? '';
  if (command.shell !== false) return ['shell', value];
  // Mesos runs execvp(value, arguments): arguments[0] is argv[0], not the first argument.
  const args = command.arguments ?? [];
  const [argv0, ...rest] = args;
  if (argv0 === undefined) return ['exec', value];
  // Without perl, argv[0] falls back to the program's name: the one thing sh can do.
  if (argv0 !== value && existsSync(PERL)) return ['exec-as', argv0, value, ...rest];
  return ['exec', value, ...rest];
}

/** The argv of `/bin/sh -c WRAPPER_SCRIPT ...` after the script itself. */
export function wrapperArguments(
  statusFile: string,
  cgroupProcsFiles: readonly string[],
  command: CommandInfo,
  environment: Readonly<Record<string, string>>,
): string[] {
  return [
    WRAPPER_NAME,
    statusFile,
    pwdMode(environment),
    String(cgroupProcsFiles.length),
    ...cgroupProcsFiles,
    ...commandOperands(command),
  ];
}

function pwdMode(environment: Readonly<Record<string, string>>): 'keep' | 'unset' {
  return environment.PWD === undefined ? 'unset' : 'keep';
}

/**
 * A COMMAND check: joins the task's cgroups when it can (Mesos accounts a check's
 * resources to its task) and then runs the command. Joining is best effort: a check of
 * a task whose cgroup is being torn down just runs outside it.
 * Arguments: $1 `keep` or `unset`, $2 number of cgroup.procs files, those files, then
 * the mode and operands, as for the wrapper.
 */
export const CHECK_SCRIPT = `pwd_mode=$1
n=$2
shift 2
while [ "$n" -gt 0 ]; do
  echo $$ > "$1" 2>/dev/null
  shift
  n=$((n - 1))
done
mode=$1
shift
if [ "$pwd_mode" = unset ]; then unset PWD; fi
${RUN_COMMAND}
`;

export function checkArguments(
  cgroupProcsFiles: readonly string[],
  command: CommandInfo,
  environment: Readonly<Record<string, string>>,
): string[] {
  return [
    `${WRAPPER_NAME}-check`,
    pwdMode(environment),
    String(cgroupProcsFiles.length),
    ...cgroupProcsFiles,
    ...commandOperands(command),
  ];
}

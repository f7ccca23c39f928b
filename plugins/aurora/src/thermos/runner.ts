/**
 * The Thermos runner as a program: the command of every Aurora task. It reads the task
 * from $MESOLITE_THERMOS_TASK, runs it in the current directory (the task's sandbox)
 * and exits 0 when the task ends SUCCESS, 1 otherwise. SIGTERM (the agent's kill) makes
 * it stop the task as Thermos does, final processes included.
 */
import { processLauncher } from './process-launcher.js';
import { validateSchedule } from './process-order.js';
import { RUNNER_SPEC_ENV, runnerSpecValidator } from './runner-spec.js';
import { TaskRunner } from './task-runner.js';

function log(event: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ component: 'thermos', ...event })}\n`);
}

async function main(): Promise<number> {
  const text = process.env[RUNNER_SPEC_ENV];
  if (text === undefined) {
    log({ msg: `${RUNNER_SPEC_ENV} is not set: nothing to run` });
    return 2;
  }
  const spec = runnerSpecValidator.parse(JSON.parse(text));
  validateSchedule(spec.task);
  const env = { ...process.env };
  delete env[RUNNER_SPEC_ENV];
  const sandbox = process.cwd();
  const runner = new TaskRunner({
    taskId: spec.task_id,
    task: spec.task,
    sandbox,
    env,
    launcher: processLauncher(spec.container, sandbox, spec.task_id),
    log,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => runner.kill());
  const state = await runner.run();
  log({ msg: 'task ended', state });
  return state === 'SUCCESS' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log({ msg: 'runner failed', err: err instanceof Error ? err.message : String(err) });
    process.exit(2);
  },
);

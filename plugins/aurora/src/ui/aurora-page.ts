/**
 * The Aurora page: the jobs, and for the chosen one its tasks (status, host, health),
 * each task's Thermos processes with their runs and logs, kill/killall/restart, and its
 * update with pause/resume/abort. It redraws when the plugin emits a job change on its
 * socket.io namespace; processes change inside the sandbox without one, so the chosen
 * job is also read again every few seconds.
 */

import { button, el, errorBox, instantText } from '@mesolite/daemon/plugin-ui/dom';
import type { PageContext } from '@mesolite/daemon/plugin-ui/page-context';
import {
  BASE,
  type JobStatus,
  type JobSummary,
  jobPath,
  type ProcessView,
  type TaskDetails,
  type TaskJson,
  taskPath,
  type UpdateRecord,
} from './aurora-api.js';

const POLL_MS = 3000;
/** Finished tasks shown under a job, newest first; older ones add nothing to act on. */
const INACTIVE_SHOWN = 5;

function headRow(...titles: string[]): HTMLTableSectionElement {
  return el('thead', {}, el('tr', {}, ...titles.map((title) => el('th', {}, title))));
}

/** The runner checkpoints times in milliseconds (thermos/runner-state.ts), not Thermos's seconds. */
function millisText(ms: number | undefined): string {
  return ms === undefined ? '—' : instantText(new Date(ms).toISOString());
}

function isNotFound(err: unknown): boolean {
  return (err as { status?: unknown } | null)?.status === 404;
}

export function mountAuroraPage(element: HTMLElement, { api, socket }: PageContext): () => void {
  let stopped = false;
  let selected: string | undefined;

  const actionError = el('div');
  const jobsBody = el('div', { 'data-testid': 'aurora-jobs' });
  const jobBody = el('div', { 'data-testid': 'aurora-job' });
  element.append(
    el(
      'div',
      { class: 'aurora-page' },
      el('h2', {}, 'Aurora jobs'),
      actionError,
      jobsBody,
      jobBody,
    ),
  );

  /** Runs an action; its failure is shown at the top under `title`, never dropped. */
  function act(title: string, work: () => Promise<unknown>): () => void {
    return () => {
      actionError.replaceChildren();
      void work()
        .catch((err: unknown) => {
          if (!stopped) actionError.replaceChildren(errorBox(title, err));
        })
        .then(refresh);
    };
  }

  /** Redraws `area` with what `draw` builds, or with why it could not. */
  async function load(area: HTMLElement, title: string, draw: () => Promise<Node>) {
    try {
      const content = await draw();
      if (!stopped) area.replaceChildren(content);
    } catch (err) {
      if (!stopped) area.replaceChildren(errorBox(title, err));
    }
  }

  const post = (path: string, body?: unknown) =>
    api(path, body === undefined ? { method: 'POST' } : { method: 'POST', body });

  function jobsTable(jobs: readonly JobSummary[]): HTMLElement {
    if (jobs.length === 0) return el('p', { class: 'muted' }, 'No Aurora jobs yet.');
    return el(
      'table',
      {},
      headRow('Job key', 'Instances', 'Kind', 'Active tasks', ''),
      el(
        'tbody',
        {},
        ...[...jobs]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((job) =>
            el(
              'tr',
              { 'data-job-key': job.key, class: job.key === selected ? 'selected' : undefined },
              el('td', {}, job.key),
              el('td', {}, job.instances.length),
              el(
                'td',
                {},
                job.cronSchedule !== undefined
                  ? `cron ${job.cronSchedule}`
                  : job.service
                    ? 'service'
                    : 'job',
              ),
              el('td', { 'data-testid': 'active-tasks' }, job.activeTasks),
              el(
                'td',
                { class: 'actions' },
                button('Tasks', () => {
                  selected = job.key;
                  void refresh();
                }),
                button(
                  'Restart',
                  act(`Restarting ${job.key} failed`, () =>
                    post(`${jobPath(job.key)}/restart`, {}),
                  ),
                ),
                button(
                  'Kill all',
                  act(`Killing ${job.key} failed`, async () => {
                    if (!confirm(`Kill every task of ${job.key}?`)) return;
                    await api(jobPath(job.key), { method: 'DELETE' });
                  }),
                  'danger',
                ),
              ),
            ),
          ),
      ),
    );
  }

  function processTable(processes: readonly ProcessView[], agentId?: string): HTMLElement {
    if (processes.length === 0) {
      return el('p', { class: 'muted' }, 'No processes checkpointed yet.');
    }
    const logLink = (url: string, label: string) =>
      el('a', { href: throughMaster(url, agentId), target: '_blank', rel: 'noopener' }, label);
    return el(
      'table',
      { class: 'aurora-processes' },
      headRow('Process', 'State', 'Run', 'Run state', 'Exit', 'Started', 'Stopped', 'Logs'),
      el(
        'tbody',
        {},
        ...processes.flatMap((process) =>
          (process.runs.length === 0 ? [undefined] : process.runs).map((run, index) =>
            el(
              'tr',
              { 'data-process': process.name },
              el('td', {}, index === 0 ? process.name : ''),
              el('td', { 'data-testid': 'process-state' }, index === 0 ? process.state : ''),
              el('td', {}, run?.run ?? '—'),
              el('td', {}, run?.state ?? '—'),
              el('td', {}, run?.return_code ?? '—'),
              el('td', { 'data-testid': 'started' }, millisText(run?.start_time)),
              el('td', {}, millisText(run?.stop_time)),
              el(
                'td',
                {},
                run === undefined ? '' : logLink(run.stdout, 'stdout'),
                ' ',
                run === undefined ? '' : logLink(run.stderr, 'stderr'),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function taskBlock(key: string, task: TaskJson, active: boolean): Promise<HTMLElement> {
    const processes = el('div');
    try {
      const details = (await api(taskPath(task.taskId))) as TaskDetails;
      processes.append(processTable(details.processes, details.task.agentId));
    } catch (err) {
      processes.append(errorBox(`Reading the processes of ${task.taskId} failed`, err));
    }
    const instances = { instances: [task.instance] };
    return el(
      'div',
      { class: 'aurora-task', 'data-task-id': task.taskId },
      el(
        'p',
        {},
        el('strong', {}, `Instance ${task.instance}`),
        ' ',
        el('span', { 'data-testid': 'task-status' }, task.status),
        ` on ${task.host ?? '—'}`,
        task.healthy === undefined ? '' : task.healthy ? ' · healthy' : ' · unhealthy',
        el('span', { class: 'muted' }, ` · ${task.taskId}`),
        task.message === undefined ? '' : el('span', { class: 'muted' }, ` · ${task.message}`),
        active
          ? el(
              'span',
              { class: 'actions' },
              ' ',
              button(
                'Kill',
                act(`Killing instance ${task.instance} failed`, () =>
                  post(`${jobPath(key)}/kill`, instances),
                ),
                'danger',
              ),
              button(
                'Restart',
                act(`Restarting instance ${task.instance} failed`, () =>
                  post(`${jobPath(key)}/restart`, instances),
                ),
              ),
            )
          : '',
      ),
      processes,
    );
  }

  function updateBlock(key: string, update: UpdateRecord, active: boolean): HTMLElement {
    const paused = update.status.endsWith('_PAUSED');
    const control = (action: 'pause' | 'resume' | 'abort') =>
      button(
        action[0]?.toUpperCase() + action.slice(1),
        act(`The update's ${action} failed`, () => post(`${jobPath(key)}/update/${action}`)),
        action === 'abort' ? 'danger' : undefined,
      );
    const instances = Object.entries(update.instances).map(
      ([instance, state]) => `${instance}: ${state.status}`,
    );
    return el(
      'div',
      { class: 'aurora-update', 'data-testid': 'aurora-update' },
      el(
        'p',
        {},
        el('strong', {}, 'Update '),
        el('span', { 'data-testid': 'update-status' }, update.status),
        ` · ${update.fromVersion} → ${update.toVersion} · ${instances.join(', ')}`,
        ` · since ${instantText(new Date(update.createdAt).toISOString())}`,
      ),
      update.events.at(-1)?.message === undefined
        ? ''
        : el('p', { class: 'muted' }, update.events.at(-1)?.message),
      active
        ? el(
            'div',
            { class: 'actions' },
            paused ? control('resume') : control('pause'),
            control('abort'),
          )
        : '',
    );
  }

  async function latestUpdate(key: string): Promise<HTMLElement> {
    try {
      const { update } = (await api(`${jobPath(key)}/update`)) as { update: UpdateRecord };
      return updateBlock(key, update, false);
    } catch (err) {
      if (isNotFound(err)) return el('p', { class: 'muted' }, 'No updates.');
      return errorBox('Reading the update failed', err);
    }
  }

  async function jobDetails(key: string): Promise<HTMLElement> {
    const status = (await api(jobPath(key))) as JobStatus;
    const inactive = [...status.inactiveTasks].reverse().slice(0, INACTIVE_SHOWN);
    const blocks = await Promise.all([
      ...status.activeTasks.map((task) => taskBlock(key, task, true)),
      ...inactive.map((task) => taskBlock(key, task, false)),
    ]);
    return el(
      'div',
      { 'data-job-details': key },
      el('h3', {}, key),
      status.update === undefined ? await latestUpdate(key) : updateBlock(key, status.update, true),
      el('h4', {}, `Active tasks (${status.activeTasks.length})`),
      ...blocks.slice(0, status.activeTasks.length),
      inactive.length > 0 ? el('h4', {}, 'Recently finished tasks') : '',
      ...blocks.slice(status.activeTasks.length),
    );
  }

  let refreshing: Promise<void> | undefined;
  let again = false;
  /** One refresh at a time; changes arriving meanwhile ask for one more after it. */
  function refresh(): Promise<void> {
    if (refreshing !== undefined) {
      again = true;
      return refreshing;
    }
    const key = selected;
    refreshing = Promise.all([
      load(jobsBody, 'Listing the Aurora jobs failed', async () => {
        const { jobs } = (await api(`${BASE}/jobs`)) as { jobs: JobSummary[] };
        return jobsTable(jobs);
      }),
      key === undefined
        ? load(jobBody, '', async () =>
            el('p', { class: 'muted' }, 'Choose a job’s Tasks to see its tasks and processes.'),
          )
        : load(jobBody, `Reading the job ${key} failed`, async () => {
            try {
              return await jobDetails(key);
            } catch (err) {
              // The job is gone (killed elsewhere): stop following it, say so.
              if (isNotFound(err) && selected === key) selected = undefined;
              throw err;
            }
          }),
    ]).then(() => {
      refreshing = undefined;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return refreshing;
  }

  const onEvent = (...args: unknown[]) => {
    const event = args[0] as { eventType?: unknown } | undefined;
    if (event?.eventType === 'aurora_job_changed') void refresh();
  };
  socket.on('plugin_event', onEvent);
  void refresh();
  const timer = setInterval(() => {
    if (selected !== undefined) void refresh();
  }, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    socket.off('plugin_event', onEvent);
  };
}

/**
 * A log link as the browser can follow it: the files API of the task's agent through
 * the master (/agent/<id>/files/…), since an agent on another machine serves its own
 * files endpoints on its loopback only.
 */
export function throughMaster(url: string, agentId: string | undefined): string {
  if (agentId === undefined) return url;
  const parsed = new URL(url, 'http://placeholder');
  const at = parsed.pathname.lastIndexOf('/files/');
  if (at === -1) return url;
  return `/agent/${encodeURIComponent(agentId)}${parsed.pathname.slice(at)}${parsed.search}`;
}

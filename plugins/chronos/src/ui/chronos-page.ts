/**
 * The Chronos page: the jobs with their counters and actions, a form adding a job from
 * its JSON, the chosen job's run history, and the dependency graph as an indented tree.
 * Chronos emits no events, so the page asks again every few seconds and after each action.
 */

import { button, el, errorBox, instantText } from '@mesolite/daemon/plugin-ui/dom';
import type { PageContext } from '@mesolite/daemon/plugin-ui/page-context';
import {
  addPath,
  BASE,
  type History,
  type HistoryRun,
  historyPath,
  type JobJson,
  jobPath,
} from './chronos-api.js';
import { dependencyTree } from './dependency-tree.js';

const POLL_MS = 3000;

const EXAMPLE_JOB = JSON.stringify(
  {
    name: 'hello',
    command: 'echo hello',
    schedule: 'R/2030-01-01T00:00:00Z/PT1H',
    epsilon: 'PT30S',
    owner: '',
  },
  null,
  2,
);

function durationText(ms: number | undefined): string {
  return ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}

export function mountChronosPage(element: HTMLElement, { api }: PageContext): () => void {
  let stopped = false;
  let selected: string | undefined;

  const actionError = el('div');
  const jobsBody = el('div', { 'data-testid': 'chronos-jobs' });
  const historyBody = el('div', { 'data-testid': 'chronos-history' });
  const graphBody = el('div', { 'data-testid': 'chronos-graph' });
  const jobText = el('textarea', { name: 'chronos-job-json', rows: '8', cols: '70' });
  jobText.value = EXAMPLE_JOB;
  const addError = el('div');
  const addForm = el(
    'form',
    { class: 'chronos-add' },
    el('h3', {}, 'Add a job'),
    el(
      'p',
      { class: 'muted' },
      'Chronos job JSON: a "schedule" posts to /scheduler/iso8601, "parents" to /scheduler/dependency.',
    ),
    jobText,
    el('div', {}, el('button', { type: 'submit' }, 'Add job')),
    addError,
  );
  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void addJob();
  });

  element.append(
    el(
      'div',
      { class: 'chronos-page' },
      el('h2', {}, 'Chronos jobs'),
      actionError,
      jobsBody,
      addForm,
      el('h3', {}, 'Run history'),
      historyBody,
      el('h3', {}, 'Dependencies'),
      graphBody,
    ),
  );

  /** Runs an action; its failure is shown in `slot` under `title`, never dropped. */
  async function attempt(slot: HTMLElement, title: string, work: () => Promise<void>) {
    slot.replaceChildren();
    try {
      await work();
    } catch (err) {
      if (!stopped) slot.replaceChildren(errorBox(title, err));
    }
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

  async function addJob(): Promise<void> {
    let job: unknown;
    try {
      job = JSON.parse(jobText.value);
    } catch (err) {
      addError.replaceChildren(errorBox('The job is not valid JSON', err));
      return;
    }
    // The text goes as typed: Chronos's own 400 message names what is wrong with it.
    await attempt(addError, 'Chronos refused the job', async () => {
      await api(addPath(job), { method: 'POST', body: jobText.value });
      const name = (job as { name?: unknown }).name;
      if (typeof name === 'string') selected = name;
    });
    await refresh();
  }

  function jobRow(job: JobJson): HTMLTableRowElement {
    const act = (title: string, work: () => Promise<void>) => () =>
      void attempt(actionError, title, work).then(refresh);
    return el(
      'tr',
      { 'data-job': job.name, class: job.name === selected ? 'selected' : undefined },
      el('td', {}, job.name),
      el(
        'td',
        { 'data-testid': 'schedule' },
        job.schedule ?? `after ${(job.parents ?? []).join(', ')}`,
      ),
      el('td', { 'data-testid': 'success-count' }, job.successCount),
      el('td', { 'data-testid': 'error-count' }, job.errorCount),
      el('td', {}, instantText(job.lastSuccess)),
      el('td', {}, instantText(job.lastError)),
      el('td', {}, job.disabled ? 'disabled' : ''),
      el(
        'td',
        { class: 'actions' },
        button(
          'Run now',
          act(`Running ${job.name} failed`, async () => {
            await api(jobPath(job.name), { method: 'PUT' });
            selected = job.name;
          }),
        ),
        button(
          'History',
          act(`Showing ${job.name} failed`, async () => {
            selected = job.name;
          }),
        ),
        button(
          'Delete',
          act(`Deleting ${job.name} failed`, async () => {
            if (!confirm(`Delete the Chronos job ${job.name}?`)) return;
            await api(jobPath(job.name), { method: 'DELETE' });
            if (selected === job.name) selected = undefined;
          }),
          'danger',
        ),
      ),
    );
  }

  function jobsTable(jobs: readonly JobJson[]): HTMLElement {
    if (jobs.length === 0) return el('p', { class: 'muted' }, 'No Chronos jobs yet.');
    const head = ['Name', 'Schedule / parents', 'Successes', 'Errors', 'Last success'];
    return el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[...head, 'Last error', 'Disabled', ''].map((title) => el('th', {}, title)),
        ),
      ),
      el('tbody', {}, ...[...jobs].sort((a, b) => a.name.localeCompare(b.name)).map(jobRow)),
    );
  }

  function logLinks(run: HistoryRun): HTMLElement {
    if (run.logs === undefined) return el('span', { class: 'muted' }, '—');
    const link = (file: string) =>
      el(
        'a',
        {
          // Through the master, which reaches agents on other machines; their own
          // files endpoints listen on their loopback only.
          href: `${run.agentId === undefined ? '' : `/agent/${encodeURIComponent(run.agentId)}`}/files/download?path=${encodeURIComponent(`${run.logs}/${file}`)}`,
          target: '_blank',
          rel: 'noopener',
        },
        file,
      );
    return el('span', { title: run.logs }, link('stdout'), ' ', link('stderr'));
  }

  function historyTable(name: string, history: History): HTMLElement {
    const runs = [...history.runs].reverse();
    return el(
      'div',
      { 'data-history-of': name },
      el(
        'p',
        {},
        el('strong', {}, name),
        history.running.length > 0 ? ` — ${history.running.length} run(s) in flight` : '',
        history.nextRunAt === undefined ? '' : ` — next run ${instantText(history.nextRunAt)}`,
      ),
      runs.length === 0
        ? el('p', { class: 'muted' }, 'No finished runs yet.')
        : el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['Ended', 'Status', 'Exit', 'Duration', 'Reason', 'Sandbox'].map((t) =>
                  el('th', {}, t),
                ),
              ),
            ),
            el(
              'tbody',
              {},
              ...runs.map((run) =>
                el(
                  'tr',
                  { 'data-task-id': run.taskId },
                  el('td', {}, instantText(run.endedAt)),
                  el(
                    'td',
                    { 'data-testid': 'run-status', class: run.status === 'success' ? 'ok' : '' },
                    run.status,
                  ),
                  el('td', {}, run.exitStatus ?? '—'),
                  el('td', {}, durationText(run.durationMs)),
                  el('td', { title: run.message }, run.reason),
                  el('td', {}, logLinks(run)),
                ),
              ),
            ),
          ),
    );
  }

  function graphTree(csv: string): HTMLElement {
    const entries = dependencyTree(csv);
    if (entries.length === 0) return el('p', { class: 'muted' }, 'No jobs.');
    return el(
      'ul',
      { class: 'dependency-tree' },
      ...entries.map(({ node, depth, repeated }) =>
        el(
          'li',
          { style: `padding-left: ${depth * 1.5}rem`, 'data-node': node.name },
          depth > 0 ? '└ ' : '',
          el('strong', {}, node.name),
          el(
            'span',
            { class: node.lastState === 'failure' ? 'error-text' : 'muted' },
            ` ${node.lastState}, ${node.state}`,
          ),
          repeated ? el('span', { class: 'error-text' }, ' (cycle)') : '',
        ),
      ),
    );
  }

  async function refresh(): Promise<void> {
    const name = selected;
    await Promise.all([
      load(jobsBody, 'Listing the Chronos jobs failed', async () =>
        jobsTable((await api(`${BASE}/scheduler/jobs`)) as JobJson[]),
      ),
      name === undefined
        ? load(historyBody, '', async () =>
            el('p', { class: 'muted' }, 'Choose a job’s History to see its runs.'),
          )
        : load(historyBody, `Reading the history of ${name} failed`, async () =>
            historyTable(name, (await api(historyPath(name))) as History),
          ),
      load(graphBody, 'Reading the dependency graph failed', async () => {
        const csv = await api(`${BASE}/scheduler/graph/csv`);
        return graphTree(typeof csv === 'string' ? csv : '');
      }),
    ]);
  }

  void refresh();
  const timer = setInterval(() => void refresh(), POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

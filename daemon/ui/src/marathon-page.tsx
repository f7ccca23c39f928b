import { useRef, useState } from 'preact/hooks';
import { api } from './api';
import { ErrorBox } from './error-box';
import { appendSample, LineChart, type Sample } from './line-chart';
import { usePoll } from './use-poll';

const BASE = '/service/marathon/v2';

interface MarathonApp {
  id: string;
  cmd?: string;
  instances: number;
  tasksRunning: number;
  tasksHealthy: number;
  tasksStaged: number;
  tasksUnhealthy: number;
  deployments: { id: string }[];
}

interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  currentActions: { action: string; app: string }[];
  currentStep: number;
  totalSteps: number;
}

interface MarathonView {
  apps: MarathonApp[];
  deployments: Deployment[];
}

const EXAMPLE_APP = JSON.stringify(
  {
    id: '/hello',
    cmd: 'while true; do echo hello; sleep 1; done',
    cpus: 0.1,
    mem: 32,
    instances: 1,
  },
  null,
  2,
);

export function MarathonPage() {
  // Each app's healthy (or, without health checks, running) instances over time.
  const healthHistory = useRef(new Map<string, Sample[]>());
  const view = usePoll(async (): Promise<MarathonView> => {
    const [apps, deployments] = await Promise.all([
      api(`${BASE}/apps`) as Promise<{ apps: MarathonApp[] }>,
      api(`${BASE}/deployments`) as Promise<Deployment[]>,
    ]);
    const at = Date.now();
    const seen = new Map<string, Sample[]>();
    for (const app of apps.apps) {
      const value = app.tasksHealthy > 0 ? app.tasksHealthy : app.tasksRunning;
      seen.set(
        app.id,
        appendSample(
          healthHistory.current.get(app.id) ?? [],
          { at, value, max: app.instances },
          60,
        ),
      );
    }
    healthHistory.current = seen;
    return { apps: apps.apps, deployments };
  }, 1500);

  return (
    <div>
      <ErrorBox error={view.error} title="Reading Marathon failed" />
      <CreateApp onCreated={view.refresh} />
      <section>
        <h2>Apps</h2>
        <table data-testid="apps">
          <thead>
            <tr>
              <th>Id</th>
              <th>Instances</th>
              <th>Running</th>
              <th>Healthy</th>
              <th>Staged</th>
              <th>Over time</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {(view.data?.apps ?? []).map((app) => (
              <AppRow
                key={app.id}
                app={app}
                samples={healthHistory.current.get(app.id) ?? []}
                onChanged={view.refresh}
              />
            ))}
          </tbody>
        </table>
        {view.data && view.data.apps.length === 0 ? <p class="muted">No apps.</p> : null}
      </section>
      <section>
        <h2>Deployments</h2>
        <ul class="deployments" data-testid="deployments">
          {(view.data?.deployments ?? []).map((deployment) => (
            <li key={deployment.id}>
              <code>{deployment.id}</code> {deployment.affectedApps.join(', ')}{' '}
              {deployment.currentActions.map((action) => action.action).join(', ')}
              <progress max={deployment.totalSteps} value={deployment.currentStep} />
              <span>
                step {deployment.currentStep} of {deployment.totalSteps}
              </span>
            </li>
          ))}
        </ul>
        {view.data && view.data.deployments.length === 0 ? (
          <p class="muted">No deployments in progress.</p>
        ) : null}
      </section>
    </div>
  );
}

function CreateApp({ onCreated }: { onCreated: () => Promise<void> }) {
  const [text, setText] = useState(EXAMPLE_APP);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      // Sent as typed: the daemon judges it, and its answer is what the user sees.
      const app = (await api(`${BASE}/apps`, { method: 'POST', body: text })) as { id: string };
      setCreated(app.id);
      await onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>Create an app</h2>
      <form onSubmit={(event) => void submit(event)} class="create-app">
        <textarea
          name="app-json"
          rows={10}
          cols={70}
          spellcheck={false}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <div>
          <button type="submit" disabled={busy}>
            Create
          </button>
          {created ? <span class="ok"> Created {created}</span> : null}
        </div>
      </form>
      <ErrorBox error={error} title="Creating the app failed" />
    </section>
  );
}

function AppRow({
  app,
  samples,
  onChanged,
}: {
  app: MarathonApp;
  samples: readonly Sample[];
  onChanged: () => Promise<void>;
}) {
  const [instances, setInstances] = useState(String(app.instances));
  const [error, setError] = useState<unknown>(undefined);
  const [confirmDestroy, setConfirmDestroy] = useState(false);
  // Marathon refuses (409) to change an app a deployment is changing, unless forced.
  const [force, setForce] = useState(false);
  const path = `${BASE}/apps${app.id}`;
  const query = force ? '?force=true' : '';

  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await onChanged();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <tr data-app-id={app.id} data-deploying={String(app.deployments.length > 0)}>
      <td>
        <code>{app.id}</code>
        <ErrorBox error={error} />
      </td>
      <td>
        {app.instances}
        {app.deployments.length > 0 ? <span class="muted"> (deploying)</span> : null}
      </td>
      <td data-testid="running">{app.tasksRunning}</td>
      <td>{app.tasksHealthy}</td>
      <td>{app.tasksStaged}</td>
      <td>
        <LineChart samples={samples} label="healthy or running" width={160} height={36} />
      </td>
      <td class="actions">
        <input
          type="number"
          min={0}
          aria-label={`instances of ${app.id}`}
          value={instances}
          onInput={(event) => setInstances(event.currentTarget.value)}
        />
        <button
          type="button"
          onClick={() =>
            void run(() =>
              api(`${path}${query}`, { method: 'PUT', body: { instances: Number(instances) } }),
            )
          }
        >
          Scale
        </button>
        <button
          type="button"
          onClick={() => void run(() => api(`${path}/restart${query}`, { method: 'POST' }))}
        >
          Restart
        </button>
        <label>
          <input
            type="checkbox"
            checked={force}
            onChange={(event) => setForce(event.currentTarget.checked)}
          />
          force
        </label>
        {confirmDestroy ? (
          <button
            type="button"
            class="danger"
            onClick={() => void run(() => api(`${path}${query}`, { method: 'DELETE' }))}
          >
            Really destroy
          </button>
        ) : (
          <button type="button" onClick={() => setConfirmDestroy(true)}>
            Destroy
          </button>
        )}
      </td>
    </tr>
  );
}

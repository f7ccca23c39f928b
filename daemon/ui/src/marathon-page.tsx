import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { AppJsonEditor } from './app-json-editor';
import { DeploymentList } from './deployment-list';
import { ErrorBox } from './error-box';
import { appendStep, LineChart, type Sample } from './line-chart';
import { pluginSocket } from './live-socket';
import { MARATHON, type MarathonApp, type MarathonView } from './marathon-types';
import { useLiveResource } from './use-live-resource';
import { ZombiesDeploy } from './zombies-deploy';

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

/** What a healthy-instances plot counts: healthy when the app has checks, else running. */
function healthyOf(app: MarathonApp): number {
  return (app.healthChecks?.length ?? 0) > 0 ? app.tasksHealthy : app.tasksRunning;
}

/** Marathon, live: read again after each event on the plugin's socket.io namespace. */
export function MarathonPage() {
  const healthHistory = useRef(new Map<string, Sample[]>());
  const view = useLiveResource(async (): Promise<MarathonView> => {
    const [apps, deployments] = await Promise.all([
      api(`${MARATHON}/apps`) as Promise<{ apps: MarathonApp[] }>,
      api(`${MARATHON}/deployments`) as Promise<MarathonView['deployments']>,
    ]);
    const at = Date.now();
    const seen = new Map<string, Sample[]>();
    for (const app of apps.apps) {
      const before = healthHistory.current.get(app.id) ?? [];
      seen.set(app.id, appendStep(before, { at, value: healthyOf(app), max: app.instances }, 120));
    }
    healthHistory.current = seen;
    return { apps: apps.apps, deployments };
  }, pluginSocket('marathon'));

  const apps = view.data?.apps ?? [];
  return (
    <div>
      <ErrorBox error={view.error} title="Reading Marathon failed" />
      <ZombiesDeploy apps={apps} />
      <CreateApp />
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
              <th>Healthy over time</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <AppRow key={app.id} app={app} samples={healthHistory.current.get(app.id) ?? []} />
            ))}
          </tbody>
        </table>
        {view.data && apps.length === 0 ? <p class="muted">No apps.</p> : null}
      </section>
      <DeploymentList deployments={view.data?.deployments ?? []} apps={apps} />
    </div>
  );
}

function CreateApp() {
  const [text, setText] = useState(EXAMPLE_APP);
  const [checked, setChecked] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    setChecked(text);
    try {
      // Sent as typed: the daemon judges it, and its answer is what the user sees.
      const app = (await api(`${MARATHON}/apps`, { method: 'POST', body: text })) as { id: string };
      setCreated(app.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const details = error instanceof ApiError ? error.details : [];
  return (
    <section data-change>
      <h2>Create an app</h2>
      <form onSubmit={(event) => void submit(event)} class="create-app">
        <AppJsonEditor text={text} onInput={setText} checked={checked} details={details} />
        <div>
          <button type="submit" disabled={busy}>
            Create
          </button>
          {created ? <span class="ok"> Created {created}</span> : null}
        </div>
      </form>
      <ErrorBox error={error} title="Creating the app failed" fieldsShown={details.length > 0} />
    </section>
  );
}

function AppRow({ app, samples }: { app: MarathonApp; samples: readonly Sample[] }) {
  const [instances, setInstances] = useState(String(app.instances));
  const [error, setError] = useState<unknown>(undefined);
  const [confirmDestroy, setConfirmDestroy] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  // Marathon refuses (409) to change an app a deployment is changing, unless forced.
  const [force, setForce] = useState(false);
  const path = `${MARATHON}/apps${app.id}`;
  const query = force ? '?force=true' : '';

  // What changed arrives as Marathon's events; the row only reports failures.
  const run = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
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
        <td data-testid="healthy">{app.tasksHealthy}</td>
        <td data-testid="staged">{app.tasksStaged}</td>
        <td>
          <LineChart
            samples={samples}
            label={`${app.id}: healthy over time`}
            width={160}
            height={36}
          />
        </td>
        <td class="actions">
          <input
            type="number"
            min={0}
            data-change
            aria-label={`instances of ${app.id}`}
            value={instances}
            onInput={(event) => setInstances(event.currentTarget.value)}
          />
          <button
            type="button"
            data-change
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
            data-change
            onClick={() => void run(() => api(`${path}/restart${query}`, { method: 'POST' }))}
          >
            Restart
          </button>
          <button type="button" onClick={() => setShowVersions(!showVersions)}>
            Versions
          </button>
          <label data-change>
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
              data-change
              onClick={() => void run(() => api(`${path}${query}`, { method: 'DELETE' }))}
            >
              Really destroy
            </button>
          ) : (
            <button type="button" data-change onClick={() => setConfirmDestroy(true)}>
              Destroy
            </button>
          )}
        </td>
      </tr>
      {showVersions ? (
        <tr class="versions-row">
          <td colSpan={7}>
            <Versions path={path} current={app.version} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** An app's versions (GET /v2/apps/{id}/versions), each openable as the JSON it was. */
function Versions({ path, current }: { path: string; current: string | undefined }) {
  const [open, setOpen] = useState<string | undefined>(undefined);
  // The list changes with each deployment of the app, which changes `current`.
  const versions = useVersions(path, current);
  const [shown, setShown] = useState<{ version: string; json: string } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const show = async (version: string) => {
    setOpen(version);
    setError(undefined);
    try {
      const json = await api(`${path}/versions/${encodeURIComponent(version)}`);
      setShown({ version, json: JSON.stringify(json, null, 2) });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="versions" data-testid="versions">
      <ErrorBox error={versions.error ?? error} title="Reading the versions failed" />
      <ul>
        {(versions.list ?? []).map((version) => (
          <li key={version}>
            <button type="button" class="link" onClick={() => void show(version)}>
              {version}
            </button>
            {version === current ? <span class="muted"> (current)</span> : null}
          </li>
        ))}
      </ul>
      {shown && shown.version === open ? <pre class="version-json">{shown.json}</pre> : null}
    </div>
  );
}

function useVersions(path: string, current: string | undefined) {
  const [list, setList] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // A new current version means a new list: `current` is the trigger to read again.
  useEffect(() => {
    let live = true;
    api(`${path}/versions`).then(
      (body) => {
        if (!live) return;
        setList((body as { versions: string[] }).versions);
        setError(undefined);
      },
      (err: unknown) => {
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [path, current]);
  return { list, error };
}

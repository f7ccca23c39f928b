import { useState } from 'preact/hooks';
import { api } from './api';
import { ErrorBox } from './error-box';
import { MARATHON, type MarathonApp } from './marathon-types';

const APP_ID = '/zombies';

/**
 * The "Deploy Zombies Tracker" button: what `mesolite demo zombies` does. The daemon
 * hands over the app definition (its marathon.json, pointed at the installed package)
 * and the browser PUTs it through Marathon's own API; progress and the link come from
 * the live app list.
 */
export function ZombiesDeploy({ apps }: { apps: readonly MarathonApp[] }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const app = apps.find((entry) => entry.id === APP_ID);

  const deploy = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const definition = await api('/mesolite/v1/demos/zombies-tracker/app');
      await api(`${MARATHON}/apps${APP_ID}?force=true`, { method: 'PUT', body: definition });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const healthy = app?.tasksHealthy ?? 0;
  const wanted = app?.instances ?? 0;
  const ready =
    app !== undefined && wanted > 0 && healthy >= wanted && app.deployments.length === 0;
  const port = app?.portDefinitions?.[0]?.port;
  const url = port ? `${location.protocol}//${location.hostname}:${port}/` : undefined;

  return (
    <section class="zombies" data-testid="zombies">
      <button type="button" data-change disabled={busy} onClick={() => void deploy()}>
        Deploy Zombies Tracker
      </button>
      {app ? (
        <span class="zombies-progress">
          <progress max={Math.max(1, wanted)} value={healthy} /> {healthy} of {wanted} healthy
        </span>
      ) : null}
      {ready && url ? (
        <a href={url} target="_blank" rel="noreferrer" data-testid="zombies-link">
          Open the Zombies Tracker: {url}
        </a>
      ) : null}
      <ErrorBox error={error} title="Deploying the Zombies Tracker failed" />
    </section>
  );
}

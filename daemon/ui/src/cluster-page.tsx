import { useState } from 'preact/hooks';
import { api } from './api';
import { Bar } from './bar';
import { ErrorBox } from './error-box';
import { LineChart } from './line-chart';
import { SandboxView } from './sandbox-view';
import type { LiveCluster } from './use-live-cluster';
import type { PluginInfo, Plugins } from './use-plugins';

export function ClusterPage({
  cluster: live,
  plugins,
}: {
  cluster: LiveCluster;
  plugins: Plugins;
}) {
  const cluster = live.view;
  const [openTask, setOpenTask] = useState<string | undefined>(undefined);
  const task = cluster?.tasks.find((entry) => entry.id === openTask);
  return (
    <div>
      <section class="charts">
        <h2>Cluster allocation over time</h2>
        <LineChart samples={live.cpus} label="cpus allocated / total" />
        <LineChart samples={live.mem} label="mem allocated / total (MB)" />
      </section>

      <section>
        <h2>Agents</h2>
        <table data-testid="agents">
          <thead>
            <tr>
              <th>Hostname</th>
              <th>cpus</th>
              <th>mem</th>
              <th>disk</th>
              <th>ports</th>
              <th>Attributes</th>
              <th>Health</th>
            </tr>
          </thead>
          <tbody>
            {(cluster?.agents ?? []).map((agent) => (
              <tr key={agent.id} data-agent-id={agent.id}>
                <td title={agent.id}>{agent.hostname}</td>
                <td>
                  <Bar used={agent.cpus.used} total={agent.cpus.total} />
                </td>
                <td>
                  <Bar used={agent.mem.used} total={agent.mem.total} unit=" MB" />
                </td>
                <td>
                  <Bar used={agent.disk.used} total={agent.disk.total} unit=" MB" />
                </td>
                <td>
                  <Bar used={agent.ports.used} total={agent.ports.total} />
                </td>
                <td>{agent.attributes.join(', ') || '—'}</td>
                <td class={agent.health === 'healthy' ? 'ok' : 'error-text'}>{agent.health}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {cluster && cluster.agents.length === 0 ? <p class="muted">No agents.</p> : null}
      </section>

      <section>
        <h2>Frameworks</h2>
        <table data-testid="frameworks">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Active</th>
              <th>Tasks</th>
            </tr>
          </thead>
          <tbody>
            {(cluster?.frameworks ?? []).map((framework) => (
              <tr key={framework.id}>
                <td>{framework.name}</td>
                <td>
                  <code>{framework.id}</code>
                </td>
                <td>{framework.active ? 'yes' : 'no'}</td>
                <td>{framework.tasks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <PluginsSection plugins={plugins} />

      <section>
        <h2>Tasks</h2>
        <table data-testid="tasks">
          <thead>
            <tr>
              <th>Id</th>
              <th>State</th>
              <th>Agent</th>
              <th>Health</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(cluster?.tasks ?? []).map((entry) => (
              <tr key={entry.id} data-task-id={entry.id}>
                <td>
                  <code>{entry.id}</code>
                </td>
                <td>{entry.state}</td>
                <td>{entry.agent}</td>
                <td>{entry.health}</td>
                <td>
                  <button type="button" onClick={() => setOpenTask(entry.id)}>
                    Sandbox
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {task ? <SandboxView task={task} onClose={() => setOpenTask(undefined)} /> : null}
        {openTask && !task ? (
          <p class="muted">Task {openTask} is no longer running; its sandbox is closed.</p>
        ) : null}
      </section>
    </div>
  );
}

function PluginsSection({ plugins }: { plugins: Plugins }) {
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);

  const toggle = async (plugin: PluginInfo) => {
    const action = plugin.status === 'active' ? 'disable' : 'enable';
    setBusy(plugin.name);
    setActionError(undefined);
    try {
      await api(`/mesolite/v1/plugins/${encodeURIComponent(plugin.name)}/${action}`, {
        method: 'POST',
      });
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(undefined);
      await plugins.refresh();
    }
  };

  return (
    <section>
      <h2>Plugins</h2>
      <ErrorBox error={plugins.error} title="Listing plugins failed" />
      <ErrorBox error={actionError} title="Changing a plugin failed" />
      <table data-testid="plugins">
        <thead>
          <tr>
            <th>Name</th>
            <th>Version</th>
            <th>Status</th>
            <th>Error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(plugins.data?.plugins ?? []).map((plugin) => (
            <tr key={plugin.name}>
              <td>{plugin.displayName ?? plugin.name}</td>
              <td>{plugin.version}</td>
              <td>{plugin.status}</td>
              <td class="error-text">{plugin.error ?? ''}</td>
              <td>
                <button
                  type="button"
                  data-change
                  disabled={busy === plugin.name}
                  onClick={() => void toggle(plugin)}
                >
                  {plugin.status === 'active' ? 'Disable' : 'Enable'}
                </button>
              </td>
            </tr>
          ))}
          {(plugins.data?.broken ?? []).map((broken) => (
            <tr key={broken.where}>
              <td>
                <code>{broken.where}</code>
              </td>
              <td />
              <td>broken ({broken.code})</td>
              <td class="error-text">{broken.error}</td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

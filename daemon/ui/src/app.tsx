import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { ClusterPage } from './cluster-page';
import { type ClusterView, clusterView, type GetState } from './cluster-state';
import { ErrorBox } from './error-box';
import { appendSample, type Sample } from './line-chart';
import { MarathonPage } from './marathon-page';
import { usePoll } from './use-poll';

type Route = 'cluster' | 'marathon';

/** Client routes live under /ui/, which the daemon answers with index.html. */
function routeOf(pathname: string): Route {
  return pathname.startsWith('/ui/marathon') ? 'marathon' : 'cluster';
}

export function App() {
  const [route, setRoute] = useState<Route>(routeOf(location.pathname));
  const [cpuSamples, setCpuSamples] = useState<Sample[]>([]);

  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  // Polled here, not in the cluster page, so the cpu plot keeps sampling on every page.
  const cluster = usePoll(async (): Promise<ClusterView> => {
    const view = clusterView(
      (await api('/api/v1', { method: 'POST', body: { type: 'GET_STATE' } })) as GetState,
    );
    setCpuSamples((before) =>
      appendSample(before, { at: Date.now(), value: view.cpus.used, max: view.cpus.total }),
    );
    return view;
  }, 1500);

  const go = (next: Route) => (event: Event) => {
    event.preventDefault();
    history.pushState(null, '', `/ui/${next}`);
    setRoute(next);
  };

  return (
    <div class="shell">
      <nav>
        <strong>mesolite</strong>
        <a href="/ui/cluster" class={route === 'cluster' ? 'active' : ''} onClick={go('cluster')}>
          Cluster
        </a>
        <a
          href="/ui/marathon"
          class={route === 'marathon' ? 'active' : ''}
          onClick={go('marathon')}
        >
          Marathon
        </a>
      </nav>
      <main>
        <ErrorBox error={cluster.error} title="Reading the cluster state failed" />
        {route === 'cluster' ? (
          <ClusterPage cluster={cluster.data} cpuSamples={cpuSamples} />
        ) : (
          <MarathonPage />
        )}
      </main>
    </div>
  );
}

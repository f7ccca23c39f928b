import { useEffect, useMemo, useState } from 'preact/hooks';
import { CatalogPage } from './catalog-page';
import { ClusterPage } from './cluster-page';
import { ConnectionStatus } from './connection-status';
import { LeaderBanner, LeaderChip } from './leader-banner';
import { uiSocket, useConnection } from './live-socket';
import { MarathonPage } from './marathon-page';
import { PluginPage } from './plugin-page';
import { canChange, currentUser, logOut } from './session';
import { useLeaderStanding } from './use-leader-standing';
import { useLiveCluster } from './use-live-cluster';
import { usePlugins } from './use-plugins';

/** Client routes live under /ui/, which the daemon answers with index.html. */
type Route =
  | { page: 'cluster' }
  | { page: 'marathon' }
  | { page: 'catalog' }
  | { page: 'plugin'; name: string };

function routeOf(pathname: string): Route {
  if (pathname.startsWith('/ui/marathon')) return { page: 'marathon' };
  if (pathname.startsWith('/ui/catalog')) return { page: 'catalog' };
  const plugin = /^\/ui\/plugins\/([^/]+)/.exec(pathname)?.[1];
  if (plugin) return { page: 'plugin', name: decodeURIComponent(plugin) };
  return { page: 'cluster' };
}

function pathOf(route: Route): string {
  return route.page === 'plugin'
    ? `/ui/plugins/${encodeURIComponent(route.name)}`
    : `/ui/${route.page}`;
}

export function App() {
  const [route, setRoute] = useState<Route>(routeOf(location.pathname));
  const user = currentUser();
  const socket = uiSocket();
  const connection = useConnection(socket);
  const standing = useLeaderStanding(socket);
  // Held here, not in the cluster page, so the plots keep sampling on every page.
  const cluster = useLiveCluster(socket);
  const frameworksKey = useMemo(
    () => (cluster.view?.frameworks ?? []).map((f) => `${f.name}:${f.active}`).join(','),
    [cluster.view],
  );
  const plugins = usePlugins(frameworksKey);
  const pages = (plugins.data?.plugins ?? []).filter(
    (plugin) => plugin.ui !== undefined && plugin.status === 'active',
  );

  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const link = (to: Route, label: string) => {
    const href = pathOf(to);
    return (
      <a
        key={href}
        href={href}
        class={pathOf(route) === href ? 'active' : ''}
        onClick={(event) => {
          event.preventDefault();
          history.pushState(null, '', href);
          setRoute(to);
        }}
      >
        {label}
      </a>
    );
  };

  const pluginTitle = (name: string) =>
    pages.find((plugin) => plugin.name === name)?.displayName ?? name;

  return (
    <div class={canChange(user) ? 'shell' : 'shell read-only'}>
      <nav>
        <strong>mesolite</strong>
        {link({ page: 'cluster' }, 'Cluster')}
        {link({ page: 'marathon' }, 'Marathon')}
        {link({ page: 'catalog' }, 'Catalog')}
        {pages.map((plugin) =>
          link({ page: 'plugin', name: plugin.name }, plugin.displayName ?? plugin.name),
        )}
        <LeaderChip standing={standing} />
        <ConnectionStatus connection={connection} />
        {user ? (
          <span class="session">
            <span data-testid="user">
              {user.uid}
              {user.role ? ` (${user.role})` : ''}
            </span>
            <button type="button" class="link" onClick={() => void logOut()}>
              Log out
            </button>
          </span>
        ) : null}
      </nav>
      <LeaderBanner standing={standing} />
      <main>
        {route.page === 'cluster' ? (
          <ClusterPage cluster={cluster} plugins={plugins} />
        ) : route.page === 'marathon' ? (
          <MarathonPage />
        ) : route.page === 'catalog' ? (
          <CatalogPage />
        ) : (
          <PluginPage key={route.name} name={route.name} title={pluginTitle(route.name)} />
        )}
      </main>
    </div>
  );
}

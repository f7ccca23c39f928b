import { useEffect, useState } from 'preact/hooks';
import { type ClusterView, clusterView, type GetState } from './cluster-state';
import { appendStep, type Sample } from './line-chart';
import type { UiSocket } from './live-socket';

export interface LiveCluster {
  view: ClusterView | undefined;
  /** Allocation over time, one sample per pushed state. */
  cpus: Sample[];
  mem: Sample[];
}

/** The cluster as the daemon pushes it on `/ui`; nothing is fetched. */
export function useLiveCluster(socket: UiSocket): LiveCluster {
  const [live, setLive] = useState<LiveCluster>({ view: undefined, cpus: [], mem: [] });
  useEffect(() => {
    const onState = (state: { get_state: unknown }) => {
      const view = clusterView(state as GetState);
      const at = Date.now();
      setLive((before) => ({
        view,
        cpus: appendStep(before.cpus, { at, value: view.cpus.used, max: view.cpus.total }),
        mem: appendStep(before.mem, { at, value: view.mem.used, max: view.mem.total }),
      }));
    };
    socket.on('cluster_state', onState);
    return () => {
      socket.off('cluster_state', onState);
    };
  }, [socket]);
  return live;
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';

export interface PluginInfo {
  name: string;
  displayName?: string;
  version: string;
  status: string;
  error?: string;
  /** The plugin's page module, when its manifest declares one. */
  ui?: string;
}

export interface PluginList {
  plugins: PluginInfo[];
  broken?: { where: string; error: string; code: string }[];
}

export interface Plugins {
  data: PluginList | undefined;
  error: unknown;
  refresh: () => Promise<void>;
}

/**
 * The installed plugins. Read again whenever `changeKey` changes: the app passes the
 * frameworks the cluster pushes, since a plugin that starts or stops registers or
 * disconnects its framework.
 */
export function usePlugins(changeKey: string): Plugins {
  const [data, setData] = useState<PluginList | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const mounted = useRef(true);
  const refresh = useCallback(async () => {
    try {
      const list = (await api('/mesolite/v1/plugins')) as PluginList;
      if (!mounted.current) return;
      setData(list);
      setError(undefined);
    } catch (err) {
      if (mounted.current) setError(err);
    }
  }, []);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // `changeKey` is the trigger to read again.
  useEffect(() => {
    void refresh();
  }, [changeKey, refresh]);
  return { data, error, refresh };
}

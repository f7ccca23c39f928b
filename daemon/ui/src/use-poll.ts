import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Poll<T> {
  data: T | undefined;
  /** The last poll's failure; cleared by the next success, never dropped silently. */
  error: unknown;
  refresh: () => Promise<void>;
}

/**
 * Calls `load` now and every `intervalMs` while the component is mounted. Only for
 * what the daemon cannot push: a sandbox's files change without any event (the
 * cluster and the plugins arrive over socket.io instead).
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number): Poll<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const mounted = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const value = await loadRef.current();
      if (!mounted.current) return;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (mounted.current) setError(err);
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Chained timeouts, not an interval: a slow daemon never has requests pile up.
    const tick = async () => {
      await refresh();
      if (mounted.current) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      mounted.current = false;
      clearTimeout(timer);
    };
  }, [intervalMs, refresh]);

  return { data, error, refresh };
}

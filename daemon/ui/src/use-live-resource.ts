import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';

/** The event a plugin's namespace sends when something the UI shows changed. */
export const PLUGIN_EVENT = 'plugin_event';

export interface LiveResource<T> {
  data: T | undefined;
  /** The last load's failure; cleared by the next success, never dropped silently. */
  error: unknown;
  reload: () => void;
}

/**
 * Loads with `load` when mounted, whenever `socket` (re)connects (events may have been
 * missed meanwhile), and after the plugin's events: at most once per `intervalMs`, and
 * never two loads at once, so a burst of events costs one request.
 */
export function useLiveResource<T>(
  load: () => Promise<T>,
  socket: Socket,
  intervalMs = 250,
): LiveResource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const control = useRef({ running: false, again: false, timer: 0, mounted: true });

  // run and schedule call each other; refs keep both stable across renders.
  const run = useRef<() => Promise<void>>(async () => undefined);
  const schedule = useCallback(() => {
    const state = control.current;
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer !== 0) return;
    state.timer = window.setTimeout(() => {
      state.timer = 0;
      void run.current();
    }, intervalMs);
  }, [intervalMs]);
  run.current = async () => {
    const state = control.current;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      const value = await loadRef.current();
      if (state.mounted) {
        setData(value);
        setError(undefined);
      }
    } catch (err) {
      if (state.mounted) setError(err);
    } finally {
      state.running = false;
      if (state.again && state.mounted) {
        state.again = false;
        schedule();
      }
    }
  };

  useEffect(() => {
    const state = control.current;
    state.mounted = true;
    void run.current();
    const onConnect = () => void run.current();
    socket.on('connect', onConnect);
    socket.on(PLUGIN_EVENT, schedule);
    return () => {
      state.mounted = false;
      window.clearTimeout(state.timer);
      state.timer = 0;
      socket.off('connect', onConnect);
      socket.off(PLUGIN_EVENT, schedule);
    };
  }, [socket, schedule]);

  return { data, error, reload: () => void run.current() };
}

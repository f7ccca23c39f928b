/** Event names mapped to the arguments their listeners receive. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

/**
 * A listener may return a promise: the emitter waits for it only to report its failure
 * and to tell the emitting code whether every listener succeeded.
 */
export type Listener<A extends unknown[]> = (...args: A) => void | Promise<void>;

/**
 * A minimal typed event emitter, as socket.io types its events. Unlike node:events, a
 * listener that throws or rejects does not break the code that emits (an event stream
 * must keep flowing), and `error` is an event like any other, since for a scheduler it
 * is a message from the master, not an exception.
 */
export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>();

  /** Adds a listener; the function returned removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const remove = this.on(event, (...args: E[K]) => {
      remove();
      return listener(...args);
    });
    return remove;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /**
   * Calls every listener of `event` now, in the order they were added. The promise
   * settles once the listeners' own promises have; it resolves to false if any of them
   * failed, and never rejects.
   */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): Promise<boolean> {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return Promise.resolve(true);
    const results: Promise<boolean>[] = [];
    // A copy: a listener may add or remove listeners while this runs.
    for (const listener of [...set] as Listener<E[K]>[]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) {
          results.push(
            result.then(
              () => true,
              (error: unknown) => this.listenerFailed(event, error),
            ),
          );
        }
      } catch (error) {
        results.push(Promise.resolve(this.listenerFailed(event, error)));
      }
    }
    return Promise.all(results).then((ok) => ok.every(Boolean));
  }

  /** Reports a listener's failure; returns false so that emit resolves to false. */
  protected listenerFailed(_event: keyof E, _error: unknown): false {
    return false;
  }
}

/**
 * Runs a pass over what ZooKeeper holds one at a time. A kick while a pass runs asks
 * for one more pass after it, however many kicks come meanwhile: a burst of watches
 * costs one more read, and two passes never interleave (two overlapping election
 * steps could each create a znode).
 */
export class RerunLoop {
  readonly #pass: () => Promise<void>;
  readonly #active: () => boolean;
  #running = false;
  #again = false;

  /**
   * `pass` handles its own errors (it must not reject); while `active` answers false a
   * kick does nothing and no further pass starts.
   */
  constructor(pass: () => Promise<void>, active: () => boolean = () => true) {
    this.#pass = pass;
    this.#active = active;
  }

  kick(): void {
    if (!this.#active()) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && this.#active());
      this.#running = false;
    })();
  }
}

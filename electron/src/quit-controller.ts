/**
 * Quitting with an embedded daemon: the first quit request is held back while the
 * daemon stops, later requests (a second Cmd+Q, the tray's Quit, a window closing) while
 * it stops are held back too and start nothing, and once the daemon has stopped the app
 * quits for real. A daemon the shell only connected to is not the shell's to stop.
 */

export type QuitState = 'running' | 'stopping' | 'stopped';

export interface QuitDecision {
  readonly next: QuitState;
  /** Hold this quit back (Electron: event.preventDefault() in before-quit). */
  readonly hold: boolean;
  /** Start stopping the embedded daemon. */
  readonly stopDaemon: boolean;
}

export function decideQuit(state: QuitState, embedded: boolean): QuitDecision {
  switch (state) {
    case 'running':
      return embedded
        ? { next: 'stopping', hold: true, stopDaemon: true }
        : { next: 'stopped', hold: false, stopDaemon: false };
    case 'stopping':
      return { next: 'stopping', hold: true, stopDaemon: false };
    case 'stopped':
      return { next: 'stopped', hold: false, stopDaemon: false };
  }
}

export interface QuitControllerOptions {
  readonly embedded: boolean;
  readonly stopDaemon: () => Promise<void>;
  /** Asks the app to quit again once the daemon has stopped (Electron: app.quit()). */
  readonly quit: () => void;
  readonly onStopError?: (err: unknown) => void;
}

/** Carries out {@link decideQuit} for each before-quit event. */
export class QuitController {
  private state: QuitState = 'running';

  constructor(private readonly options: QuitControllerOptions) {}

  get current(): QuitState {
    return this.state;
  }

  beforeQuit(event: { preventDefault(): void }): void {
    const decision = decideQuit(this.state, this.options.embedded);
    this.state = decision.next;
    if (decision.hold) event.preventDefault();
    if (!decision.stopDaemon) return;
    this.options
      .stopDaemon()
      .catch((err: unknown) => this.options.onStopError?.(err))
      .finally(() => {
        // A daemon that failed to stop must not keep the app from quitting.
        this.state = 'stopped';
        this.options.quit();
      });
  }
}

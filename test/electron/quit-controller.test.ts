import { decideQuit, QuitController } from '@mesolite/electron/quit-controller';
import { describe, expect, it } from 'vitest';

function quitEvent() {
  let held = false;
  return {
    preventDefault() {
      held = true;
    },
    get held() {
      return held;
    },
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('deciding a quit', () => {
  it('holds the first quit back to stop the embedded daemon', () => {
    expect(decideQuit('running', true)).toEqual({ next: 'stopping', hold: true, stopDaemon: true });
  });

  it('holds quits while the daemon stops, starting nothing more', () => {
    expect(decideQuit('stopping', true)).toEqual({
      next: 'stopping',
      hold: true,
      stopDaemon: false,
    });
  });

  it('lets the quit through once the daemon has stopped', () => {
    expect(decideQuit('stopped', true)).toEqual({
      next: 'stopped',
      hold: false,
      stopDaemon: false,
    });
  });

  it('quits at once when the daemon is not the shell’s own', () => {
    expect(decideQuit('running', false)).toEqual({
      next: 'stopped',
      hold: false,
      stopDaemon: false,
    });
  });
});

describe('the quit controller', () => {
  it('stops the embedded daemon once, however often quit is asked for', async () => {
    const stopped = deferred();
    let stops = 0;
    let quits = 0;
    const controller = new QuitController({
      embedded: true,
      stopDaemon: () => {
        stops += 1;
        return stopped.promise;
      },
      quit: () => {
        quits += 1;
      },
    });
    const events = [quitEvent(), quitEvent(), quitEvent()];
    for (const event of events) controller.beforeQuit(event);
    expect(events.map((event) => event.held)).toEqual([true, true, true]);
    expect(stops).toBe(1);
    expect(quits).toBe(0);

    stopped.resolve();
    await stopped.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits).toBe(1);
    const last = quitEvent();
    controller.beforeQuit(last);
    expect(last.held).toBe(false);
    expect(stops).toBe(1);
  });

  it('quits even when stopping the daemon fails, and reports the failure', async () => {
    const failure = new Error('store is locked');
    const reported: unknown[] = [];
    let quits = 0;
    const controller = new QuitController({
      embedded: true,
      stopDaemon: () => Promise.reject(failure),
      quit: () => {
        quits += 1;
      },
      onStopError: (err) => reported.push(err),
    });
    controller.beforeQuit(quitEvent());
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([failure]);
    expect(quits).toBe(1);
    expect(controller.current).toBe('stopped');
  });

  it('never stops a daemon it only connected to', () => {
    let stops = 0;
    const controller = new QuitController({
      embedded: false,
      stopDaemon: async () => {
        stops += 1;
      },
      quit: () => undefined,
    });
    const event = quitEvent();
    controller.beforeQuit(event);
    expect(event.held).toBe(false);
    expect(stops).toBe(0);
  });
});

/**
 * One shell per user: a second start hands over to the first (which comes to the front)
 * and quits, since two shells would both try to embed a daemon on the same port and work dir.
 */

export type StartupVerdict = 'continue' | 'quit';

/** `gotLock` is app.requestSingleInstanceLock()'s answer. */
export function startupVerdict(gotLock: boolean): StartupVerdict {
  return gotLock ? 'continue' : 'quit';
}

export type WindowStep = 'create' | 'restore' | 'show' | 'focus';

export interface WindowState {
  readonly exists: boolean;
  readonly minimized: boolean;
  readonly visible: boolean;
}

/** What the first instance does to its window when a second one is started. */
export function secondInstanceSteps(window: WindowState): WindowStep[] {
  if (!window.exists) return ['create', 'focus'];
  return [
    ...(window.minimized ? (['restore'] as const) : []),
    ...(window.visible ? [] : (['show'] as const)),
    'focus',
  ];
}

/**
 * Where a link or a window.open may take the app. Only the daemon's origin is shown in
 * the app window, which has the preload's API; other web pages (the Zombies Tracker on
 * its service port, docs) open in the system browser; anything else (file:, javascript:,
 * custom schemes) is refused, since a page that could load it could reach the machine.
 */

export type NavigationVerdict = 'in-app' | 'system-browser' | 'deny';

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

export function navigationVerdict(daemonUrl: string, target: string): NavigationVerdict {
  const daemon = parse(daemonUrl);
  const url = parse(target);
  if (daemon === undefined || url === undefined) return 'deny';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'deny';
  if (url.origin === daemon.origin) return 'in-app';
  return 'system-browser';
}

/**
 * Who is logged in, as DC/OS's UI knows it: the readable `dcos-acs-info-cookie` the
 * login sets beside the HttpOnly token cookie. Without auth there is no cookie and
 * everyone may change everything.
 */

export interface SessionUser {
  readonly uid: string;
  readonly description?: string;
  readonly role?: string;
}

const INFO_COOKIE = 'dcos-acs-info-cookie';
export const LOGIN_PATH = '/login';

/** The user the info cookie names, if any (its value is base64 JSON). */
export function currentUser(cookies: string = document.cookie): SessionUser | undefined {
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== INFO_COOKIE) continue;
    try {
      const parsed = JSON.parse(atob(decodeURIComponent(rest.join('=')))) as Partial<SessionUser>;
      if (typeof parsed.uid === 'string') return parsed as SessionUser;
    } catch {
      // A cookie that is not ours to read is no session.
    }
  }
  return undefined;
}

/** Viewers may read every page; the buttons that change something are not shown to them. */
export function canChange(user: SessionUser | undefined = currentUser()): boolean {
  return user?.role !== 'viewer';
}

/** The daemon wants a login: go to the login page, to come back here afterwards. */
export function goToLogin(): void {
  if (location.pathname === LOGIN_PATH) return;
  const back = `${location.pathname}${location.search}`;
  location.assign(`${LOGIN_PATH}?next=${encodeURIComponent(back)}`);
}

/** Where to go after logging in: the page that asked, if it is one of ours. */
export function afterLogin(search: string = location.search): string {
  const next = new URLSearchParams(search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/ui/cluster';
}

/** Logs in; answers the daemon's reason when it refused. */
export async function logIn(uid: string, password: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch('/acs/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ uid, password }),
    });
  } catch (err) {
    return `The daemon did not answer: ${String(err)}`;
  }
  if (response.ok) return undefined;
  const body = (await response.json().catch(() => ({}))) as {
    description?: string;
    message?: string;
  };
  return body.description ?? body.message ?? `The login was refused (${response.status}).`;
}

export async function logOut(): Promise<void> {
  await fetch('/acs/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
  location.assign(LOGIN_PATH);
}

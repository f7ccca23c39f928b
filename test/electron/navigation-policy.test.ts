import { navigationVerdict } from '@mesolite/electron/navigation-policy';
import { describe, expect, it } from 'vitest';

const DAEMON = 'http://127.0.0.1:5050';

describe('where a navigation may go', () => {
  it.each([
    'http://127.0.0.1:5050/',
    'http://127.0.0.1:5050/ui/marathon/apps',
    'http://127.0.0.1:5050/service/marathon/v2/apps?embed=apps.tasks',
  ])('shows %s, on the daemon origin, in the app', (url) => {
    expect(navigationVerdict(DAEMON, url)).toBe('in-app');
  });

  it.each([
    'http://127.0.0.1:10100/',
    'http://localhost:5050/',
    'https://127.0.0.1:5050/',
    'https://mesos.apache.org/documentation/',
  ])('sends %s, another origin, to the system browser', (url) => {
    expect(navigationVerdict(DAEMON, url)).toBe('system-browser');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'chrome://settings',
    'mailto:ops@example.com',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(navigationVerdict(DAEMON, url)).toBe('deny');
  });

  it('keeps the origin of a daemon behind a proxy path in the app', () => {
    expect(
      navigationVerdict('https://proxy.example.com/mesolite/', 'https://proxy.example.com/x'),
    ).toBe('in-app');
  });

  it('refuses everything when the daemon URL itself is not a URL', () => {
    expect(navigationVerdict('nonsense', 'http://127.0.0.1:5050/')).toBe('deny');
  });
});

import {
  type BrowserLaunch,
  DEFAULT_DAEMON_URL,
  type LaunchEnvironment,
  type LaunchPlan,
  type LaunchRefusal,
  planLaunch,
} from '@mesolite/electron/launch-plan';
import { describe, expect, it } from 'vitest';

const ELECTRON = '/opt/mesolite/node_modules/.bin/electron';
const CHROMIUM = '/usr/bin/chromium';
const MAIN = '/opt/mesolite/electron';

function environment(overrides: Partial<LaunchEnvironment>): LaunchEnvironment {
  return {
    electronBinary: undefined,
    chromiumBinary: undefined,
    daemonUrl: undefined,
    electronMain: MAIN,
    stateDir: '/home/ada/.mesolite',
    ...overrides,
  };
}

function launch(plan: LaunchPlan): BrowserLaunch {
  if (plan.shell === 'none') throw new Error(`expected a launch, got: ${plan.message}`);
  return plan;
}

function refusal(plan: LaunchPlan): LaunchRefusal {
  if (plan.shell !== 'none') throw new Error(`expected a refusal, got a ${plan.shell} launch`);
  return plan;
}

describe('choosing the shell', () => {
  it("runs Electron with the app's main when Electron is installed", () => {
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON })));
    expect(plan.shell).toBe('electron');
    expect(plan.command).toBe(ELECTRON);
    expect(plan.args[0]).toBe(MAIN);
  });

  it('prefers Electron when Chromium is installed too', () => {
    const plan = planLaunch(environment({ electronBinary: ELECTRON, chromiumBinary: CHROMIUM }));
    expect(plan.shell).toBe('electron');
  });

  it('tells Electron which daemon to show when one is configured', () => {
    const daemonUrl = 'http://mesos.lan:5050';
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON, daemonUrl })));
    expect(plan.args).toContain(`--daemon-url=${daemonUrl}`);
  });

  it('leaves Electron to embed the daemon when none is configured', () => {
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON })));
    expect(plan.args).toEqual([MAIN]);
  });

  it('falls back to Chromium in app mode when Electron is missing', () => {
    const plan = launch(planLaunch(environment({ chromiumBinary: CHROMIUM })));
    expect(plan.shell).toBe('chromium');
    expect(plan.command).toBe(CHROMIUM);
    expect(plan.args[0]).toBe(`--app=${DEFAULT_DAEMON_URL}`);
  });

  it.each([
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ])('starts Chromium with %s', (flag) => {
    expect(launch(planLaunch(environment({ chromiumBinary: CHROMIUM }))).args).toContain(flag);
  });

  it("gives Chromium a profile of its own under the state dir, away from the user's", () => {
    const plan = launch(planLaunch(environment({ chromiumBinary: CHROMIUM })));
    expect(plan.args).toContain('--user-data-dir=/home/ada/.mesolite/chromium-profile');
  });

  it('treats a blank Electron path as Electron missing', () => {
    const plan = planLaunch(environment({ electronBinary: '  ', chromiumBinary: CHROMIUM }));
    expect(plan.shell).toBe('chromium');
  });

  it('says to install the Debian package chromium when neither is installed', () => {
    const plan = refusal(planLaunch(environment({})));
    expect(plan.code).toBe('MESOLITE_ERR_NO_DESKTOP_BROWSER');
    expect(plan.install).toEqual(['chromium']);
    expect(plan.message).toContain('sudo apt-get install chromium');
  });

  it('suggests opening the UI in any browser when no shell can be started', () => {
    expect(refusal(planLaunch(environment({}))).message).toContain(DEFAULT_DAEMON_URL);
  });

  it('treats a blank Chromium path as Chromium missing', () => {
    expect(planLaunch(environment({ chromiumBinary: '' })).shell).toBe('none');
  });
});

describe('choosing the daemon', () => {
  it('starts the embedded daemon on http://127.0.0.1:5050 when no URL is configured', () => {
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON })));
    expect(plan.daemon).toEqual({ mode: 'embedded', url: 'http://127.0.0.1:5050' });
  });

  it.each(['', '   '])('treats the blank URL %j as none configured', (daemonUrl) => {
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON, daemonUrl })));
    expect(plan.daemon.mode).toBe('embedded');
  });

  it('connects to a configured daemon instead of starting one', () => {
    const daemonUrl = 'http://mesos.lan:5050';
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON, daemonUrl })));
    expect(plan.daemon).toEqual({ mode: 'connect', url: daemonUrl });
  });

  it('opens Chromium on the configured daemon', () => {
    const daemonUrl = 'https://mesos.example.com';
    const plan = launch(planLaunch(environment({ chromiumBinary: CHROMIUM, daemonUrl })));
    expect(plan.args[0]).toBe('--app=https://mesos.example.com');
  });

  it('drops the trailing slash of a bare host, so both spellings give one plan', () => {
    const plan = launch(
      planLaunch(environment({ electronBinary: ELECTRON, daemonUrl: 'http://mesos.lan:5050/' })),
    );
    expect(plan.daemon.url).toBe('http://mesos.lan:5050');
  });

  it('keeps the path of a daemon behind a reverse proxy', () => {
    const daemonUrl = 'https://proxy.example.com/mesolite/';
    const plan = launch(planLaunch(environment({ electronBinary: ELECTRON, daemonUrl })));
    expect(plan.daemon.url).toBe(daemonUrl);
  });

  it('ignores spaces around a configured URL', () => {
    const plan = launch(
      planLaunch(environment({ electronBinary: ELECTRON, daemonUrl: ' http://mesos.lan:5050 ' })),
    );
    expect(plan.daemon.url).toBe('http://mesos.lan:5050');
  });

  it.each(['not a url', 'localhost:5050', 'ftp://mesos.lan/', 'file:///etc/passwd'])(
    'refuses the daemon URL %j, saying what a valid one looks like',
    (daemonUrl) => {
      const plan = refusal(planLaunch(environment({ electronBinary: ELECTRON, daemonUrl })));
      expect(plan.code).toBe('MESOLITE_ERR_INVALID_DAEMON_URL');
      expect(plan.install).toEqual([]);
      expect(plan.message).toContain(DEFAULT_DAEMON_URL);
    },
  );
});

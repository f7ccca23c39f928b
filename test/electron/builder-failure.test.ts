import {
  errorLines,
  explainBuilderFailure,
  isFetchFailure,
} from '@mesolite/electron/builder-failure';
import { describe, expect, it } from 'vitest';

const TARGET = {
  electronVersion: '39.8.10',
  platform: 'linux',
  arch: 'x64',
  logPath: '/work/main/electron/release/electron-builder.log',
};

// electron-builder 26's output on a machine that cannot resolve github.com.
const OFFLINE = `  • electron-builder  version=26.17.0 os=6.18.44
  • loaded configuration  file=/work/main/electron/electron-builder.yml
  • skipped dependencies rebuild  reason=npmRebuild is set to false
  • packaging       platform=linux arch=x64 electron=39.8.10 appOutDir=electron/release/linux-unpacked
  ⨯ getaddrinfo ENOTFOUND github.com  failedTask=build stackTrace=RequestError: getaddrinfo ENOTFOUND github.com
    at ClientRequest.<anonymous> (/work/main/node_modules/got/dist/source/core/index.js:970:111)
    at Object.onceWrapper (node:events:639:26)
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
`;

const BLOCKED = `  • packaging       platform=linux arch=x64 electron=39.8.10
  ⨯ cannot resolve https://github.com/electron/electron/releases/download/v39.8.10/electron-v39.8.10-linux-x64.zip: status code 403  failedTask=build stackTrace=HttpError: 403 Forbidden
    at download (/work/main/node_modules/app-builder-lib/out/util.js:1:1)
`;

const FIREWALLED = `  • packaging       platform=linux arch=x64 electron=39.8.10
  ⨯ connect ETIMEDOUT 140.82.121.4:443  failedTask=build stackTrace=RequestError: connect ETIMEDOUT 140.82.121.4:443
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)
`;

const BAD_CONFIG = `  • loaded configuration  file=/work/main/electron/electron-builder.yml
  ⨯ Invalid configuration object. electron-builder 26.17.0 has been initialized using a configuration object that does not match the API schema.  failedTask=build stackTrace=Error: Invalid configuration object.
    at validateConfiguration (/work/main/node_modules/app-builder-lib/out/util/config/config.js:1:1)
`;

describe('recognising a failed download of Electron', () => {
  it.each([
    ['an unresolvable github.com', OFFLINE],
    ['a refused release download', BLOCKED],
    ['a connection that times out', FIREWALLED],
  ])('recognises %s', (_what, output) => {
    expect(isFetchFailure(output)).toBe(true);
  });

  it('does not take a configuration error for one', () => {
    expect(isFetchFailure(BAD_CONFIG)).toBe(false);
  });

  it('does not take a network code in a stack trace alone for one', () => {
    expect(isFetchFailure('  ⨯ something broke\n    at ENOTFOUND (github.com)\n')).toBe(false);
  });
});

describe('the message `npm run dist` ends with', () => {
  const offline = explainBuilderFailure(OFFLINE, TARGET);

  it('says Electron could not be fetched, for which version and platform', () => {
    expect(offline).toMatch(/^Could not fetch Electron 39\.8\.10 for linux-x64/);
  });

  it('names the host that could not be reached', () => {
    expect(offline).toContain('ENOTFOUND for github.com');
  });

  it('says how to build the installers anyway', () => {
    expect(offline).toContain('ELECTRON_MIRROR');
    expect(offline).toContain('electron-v39.8.10-linux-x64.zip');
  });

  it('shows no stack trace, and says where the full log is', () => {
    expect(offline).not.toMatch(/\n\s+at /);
    expect(offline).not.toContain('stackTrace');
    expect(offline).toContain(TARGET.logPath);
  });

  it('gives the HTTP status of a refused download', () => {
    expect(explainBuilderFailure(BLOCKED, TARGET)).toContain('the server answered HTTP 403');
  });

  it('shows another failure’s error lines, without their stack traces', () => {
    const message = explainBuilderFailure(BAD_CONFIG, TARGET);
    expect(message).toContain('electron-builder failed:');
    expect(message).toContain('Invalid configuration object.');
    expect(message).not.toMatch(/stackTrace|\n\s+at /);
  });

  it('says so when electron-builder printed no error line', () => {
    expect(explainBuilderFailure('Killed\n', TARGET)).toContain('(no error line)');
  });
});

describe('error lines', () => {
  it('keeps the text of each ⨯ line and drops its failedTask and stackTrace', () => {
    expect(errorLines(OFFLINE)).toEqual(['getaddrinfo ENOTFOUND github.com']);
  });
});

import { followerAction } from '@mesolite/daemon/ha/follower-paths';
import { describe, expect, it } from 'vitest';

describe('what a master that does not lead does with a request', () => {
  it('redirects the Mesos APIs and state, as Mesos’s non-leading masters do', () => {
    expect(followerAction('/master/state?jsonp=x')).toBe('redirect');
    expect(followerAction('/api/v1/scheduler', 'POST')).toBe('redirect');
  });

  it('proxies plugin APIs and plugin management to the leader', () => {
    expect(followerAction('/service/marathon/v2/apps', 'POST')).toBe('proxy');
    expect(followerAction('/mesolite/v1/plugins/chronos/disable', 'POST')).toBe('proxy');
  });

  it('proxies the catalog, images and the demo, which act through the leader', () => {
    expect(followerAction('/package/install', 'POST')).toBe('proxy');
    expect(followerAction('/mesolite/v1/images', 'POST')).toBe('proxy');
    expect(followerAction('/mesolite/v1/demos/zombies-tracker/app', 'POST')).toBe('proxy');
  });

  it('proxies changes to users and LDAP settings, which only the leader may write', () => {
    expect(followerAction('/acs/api/v1/users/ann', 'PUT')).toBe('proxy');
    expect(followerAction('/acs/api/v1/users/ann', 'DELETE')).toBe('proxy');
    expect(followerAction('/acs/api/v1/ldap/config', 'PUT')).toBe('proxy');
  });

  it('answers logins and reads of accounts itself', () => {
    expect(followerAction('/acs/api/v1/auth/login', 'POST')).toBe('local');
    expect(followerAction('/acs/api/v1/users', 'GET')).toBe('local');
  });

  it('answers health, its UI and its list of masters itself', () => {
    expect(followerAction('/health')).toBe('local');
    expect(followerAction('/')).toBe('local');
  });
});

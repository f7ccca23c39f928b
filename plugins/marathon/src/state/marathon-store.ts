/**
 * What Marathon persists, in the plugin's store namespace: each app's current
 * definition and every version of it, the instances it runs, the deployments in
 * flight, and the framework id (so a restarted plugin fails over instead of
 * registering a new framework and orphaning its tasks).
 */
import { FrameworkStore } from '@mesolite/daemon/plugins/framework-store';
import type { JsonValue } from '@mesolite/daemon/store/store';
import type { Instance } from './instance.js';

const APPS = 'apps/';
const VERSIONS = 'versions/';
const INSTANCES = 'instances/';
const DEPLOYMENTS = 'deployments/';
const GROUPS = 'groups';

/** Ids contain slashes; keys must keep one app's versions under one prefix. */
function encode(id: string): string {
  return encodeURIComponent(id);
}

export class MarathonStore extends FrameworkStore {
  async apps<T>(): Promise<T[]> {
    const apps: T[] = [];
    for await (const [, value] of this.store.entries(APPS)) apps.push(value as unknown as T);
    return apps;
  }

  /** Stores an app's new definition as its current one and as a version, atomically. */
  putApp(app: { id: string; version: string }): Promise<void> {
    const value = app as unknown as JsonValue;
    return this.store.batch([
      { type: 'put', key: `${APPS}${encode(app.id)}`, value },
      { type: 'put', key: `${VERSIONS}${encode(app.id)}/${app.version}`, value },
    ]);
  }

  /** Forgets an app and all its versions. */
  async removeApp(id: string): Promise<void> {
    const keys: string[] = [`${APPS}${encode(id)}`];
    for await (const key of this.store.keys(`${VERSIONS}${encode(id)}/`)) keys.push(key);
    await this.store.batch(keys.map((key) => ({ type: 'del' as const, key })));
  }

  async versions(id: string): Promise<string[]> {
    const prefix = `${VERSIONS}${encode(id)}/`;
    const versions: string[] = [];
    for await (const key of this.store.keys(prefix)) versions.push(key.slice(prefix.length));
    return versions.sort().reverse();
  }

  async version<T>(id: string, version: string): Promise<T | undefined> {
    return (await this.store.get(`${VERSIONS}${encode(id)}/${version}`)) as T | undefined;
  }

  async instances(): Promise<Instance[]> {
    const instances: Instance[] = [];
    for await (const [, value] of this.store.entries(INSTANCES))
      instances.push(value as unknown as Instance);
    return instances;
  }

  putInstance(instance: Instance): Promise<void> {
    return this.store.put(
      `${INSTANCES}${encode(instance.taskId)}`,
      instance as unknown as JsonValue,
    );
  }

  removeInstance(taskId: string): Promise<void> {
    return this.store.del(`${INSTANCES}${encode(taskId)}`);
  }

  async groups(): Promise<Record<string, string[]>> {
    return ((await this.store.get(GROUPS)) ?? {}) as Record<string, string[]>;
  }

  putGroups(groups: Record<string, string[]>): Promise<void> {
    return this.store.put(GROUPS, groups);
  }

  async deployments<T>(): Promise<T[]> {
    const deployments: T[] = [];
    for await (const [, value] of this.store.entries(DEPLOYMENTS))
      deployments.push(value as unknown as T);
    return deployments;
  }

  putDeployment(deployment: { id: string }): Promise<void> {
    return this.store.put(`${DEPLOYMENTS}${deployment.id}`, deployment as unknown as JsonValue);
  }

  removeDeployment(id: string): Promise<void> {
    return this.store.del(`${DEPLOYMENTS}${id}`);
  }
}

/**
 * The ordered list of package repositories, kept in the daemon's store so it survives
 * restarts (Cosmos kept it in ZooKeeper). Until it is first changed, the list is the
 * built-in repository alone.
 */
import type { Store } from '../store/store.js';
import { BUILTIN_REPOSITORY } from './builtin-repository.js';
import {
  repoNameOrUriMissing,
  repositoryAddIndexOutOfBounds,
  repositoryAlreadyPresent,
  repositoryNotPresent,
} from './errors.js';
import type { Repository } from './package-collection.js';

const KEY = 'repositories';

export class RepositoryList {
  // Adds and deletes are read-modify-write: one at a time, so none is lost.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly defaults: readonly Repository[] = [BUILTIN_REPOSITORY],
  ) {}

  async list(): Promise<Repository[]> {
    const stored = (await this.store.get(KEY)) as Repository[] | undefined;
    return stored ? [...stored] : [...this.defaults];
  }

  add(repository: Repository, index?: number): Promise<Repository[]> {
    return this.#serially(async () => {
      const list = await this.list();
      const sameName = list.some((entry) => entry.name === repository.name);
      const sameUri = list.some((entry) => entry.uri === repository.uri);
      if (sameName || sameUri) {
        throw repositoryAlreadyPresent(
          sameName ? repository.name : undefined,
          sameUri ? repository.uri : undefined,
        );
      }
      const at = index ?? list.length;
      if (!Number.isInteger(at) || at < 0 || at > list.length) {
        throw repositoryAddIndexOutOfBounds(at, list.length);
      }
      list.splice(at, 0, repository);
      await this.store.put(
        KEY,
        list.map(({ name, uri }) => ({ name, uri })),
      );
      return list;
    });
  }

  delete(name: string | undefined, uri: string | undefined): Promise<Repository[]> {
    return this.#serially(async () => {
      if (name === undefined && uri === undefined) throw repoNameOrUriMissing();
      const list = await this.list();
      const at = list.findIndex(
        (entry) =>
          (name === undefined || entry.name === name) && (uri === undefined || entry.uri === uri),
      );
      if (at < 0) throw repositoryNotPresent(name, uri);
      list.splice(at, 1);
      await this.store.put(
        KEY,
        list.map(({ name, uri }) => ({ name, uri })),
      );
      return list;
    });
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

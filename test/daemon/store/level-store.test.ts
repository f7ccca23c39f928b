import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CHILD_SCRIPT = resolve(import.meta.dirname, 'fixtures/level-store-child.ts');

interface Child {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly lines: string[];
  readonly reader: Interface;
  readonly closed: Promise<unknown>;
  stderr: string;
}

/** The fixture in a separate node process, running LevelStore from source via tsx. */
function startChild(mode: 'write' | 'hold', location: string): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=@mesolite/source', '--import', 'tsx', CHILD_SCRIPT, mode, location],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: Child = {
    process: child,
    lines: [],
    reader: createInterface({ input: child.stdout }),
    closed: once(child, 'close'),
    stderr: '',
  };
  run.reader.on('line', (line) => run.lines.push(line));
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

function waitForLines(child: Child, enough: (lines: readonly string[]) => boolean): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const check = (): void => {
      if (!enough(child.lines)) return;
      stop();
      resolvePromise();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      stop();
      reject(new Error(`child exited (${code ?? signal}) too early:\n${child.stderr}`));
    };
    const stop = (): void => {
      child.reader.off('line', check);
      child.process.off('exit', onExit);
    };
    // Registered after startChild's listener, so the line that arrives is already counted.
    child.reader.on('line', check);
    child.process.on('exit', onExit);
    check();
  });
}

async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGKILL');
  }
  await child.closed;
}

describe('LevelStore', () => {
  let dir: string;
  let location: string;
  const children: Child[] = [];
  const stores: LevelStore[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-level-'));
    location = join(dir, 'work', 'store');
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killHard));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function open(): Promise<LevelStore> {
    const store = await LevelStore.open(location);
    stores.push(store);
    return store;
  }

  it('creates the database and its missing parent dirs, and keeps data across reopening', async () => {
    const first = await open();
    await first.namespace('agent').put('checkpoint', { tasks: ['t-1'] });
    await first.close();

    const second = await open();
    expect(await second.get('agent/checkpoint')).toEqual({ tasks: ['t-1'] });
    expect(second.location).toBe(location);
  });

  it('refuses a database another process holds, naming the work dir, until that process dies', async () => {
    const holder = startChild('hold', location);
    children.push(holder);
    await waitForLines(holder, (lines) => lines.includes('ready'));

    const opening = LevelStore.open(location);
    await expect(opening).rejects.toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_STORE_LOCKED', statusCode: 409 }),
    );
    await expect(opening).rejects.toThrow(/another mesolite process is using this work dir/);
    await expect(opening).rejects.toThrow(location);

    // A daemon killed with -9 must not keep its successor out.
    await killHard(holder);
    const store = await open();
    expect(await store.get('anything')).toBeUndefined();
  });

  it('refuses a second open in the same process the same way', async () => {
    await open();
    await expect(LevelStore.open(location)).rejects.toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_STORE_LOCKED' }),
    );
  });

  it('reports other failures to open with their reason', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(LevelStore.open(join(file, 'store'))).rejects.toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_STORE_OPEN' }),
    );
  });

  // A writer killed with SIGKILL mid-way: every write it reported as acknowledged is
  // there after reopening, and every batch is either whole or absent. (kill -9 alone
  // does not prove that sync reached the disk, only that nothing acknowledged was held
  // back in the process; surviving power loss is what `sync: true` adds.)
  it('keeps every acknowledged write when the writer is killed with -9', async () => {
    const writer = startChild('write', location);
    children.push(writer);
    await waitForLines(writer, (lines) => lines.length >= 200);
    await killHard(writer);
    expect(writer.process.signalCode).toBe('SIGKILL');

    const acknowledged = writer.lines.map((line) => {
      const [kind, index] = line.split(' ');
      return { kind, index: Number(index) };
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);

    const store = await open();
    for (const { kind, index } of acknowledged) {
      if (kind === 'put') {
        expect(await store.get(`put/${index}`)).toEqual({ i: index });
      } else {
        expect(kind).toBe('batch');
        expect(await store.get(`batch/${index}/a`)).toBe(index);
        expect(await store.get(`batch/${index}/b`)).toEqual([index, 'b']);
        expect(await store.get(`batch/${index}/c`)).toEqual({ i: index, part: 'c' });
      }
    }

    const partsByBatch = new Map<string, string[]>();
    for await (const key of store.keys('batch/')) {
      const [, index, part] = key.split('/');
      partsByBatch.set(String(index), [...(partsByBatch.get(String(index)) ?? []), String(part)]);
    }
    for (const parts of partsByBatch.values()) expect(parts).toEqual(['a', 'b', 'c']);
  });
});

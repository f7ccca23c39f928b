/**
 * The Zombies Tracker's Marathon app definition: demo/zombies-tracker/marathon.json,
 * pointed at where the package is installed. `mesolite demo zombies` and the web UI's
 * "Deploy Zombies Tracker" button both deploy exactly this.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The app definition, with ZOMBIES_HOME set to the package directory. */
export async function zombiesApp(instances?: number): Promise<Record<string, unknown>> {
  const require = createRequire(import.meta.url);
  const home = dirname(require.resolve('@mesolite/zombies-tracker/package.json'));
  const app = JSON.parse(await readFile(join(home, 'marathon.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const env = (app.env ?? {}) as Record<string, string>;
  return { ...app, env: { ...env, ZOMBIES_HOME: home }, ...(instances ? { instances } : {}) };
}

/**
 * Finds the browsers `npm run desktop` can show the UI in. Electron counts as installed
 * only when its package downloaded the binary (its path.txt names it, and the file is
 * there): the npm package alone is just a downloader, and here its install script is off.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** Chromium's names in Debian, Ubuntu, Fedora and Google's packages, in order of preference. */
export const CHROMIUM_NAMES: readonly string[] = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
];

/** Overrides the search, for a Chromium installed somewhere unusual. */
export const CHROMIUM_ENV = 'MESOLITE_CHROMIUM';

export type Exists = (path: string) => boolean;

/** The Electron binary its package recorded, if the file is really there. */
export function electronBinaryIn(
  packageDir: string,
  pathTxt: string | undefined,
  exists: Exists,
): string | undefined {
  const relative = pathTxt?.trim();
  if (relative === undefined || relative === '') return undefined;
  const binary = join(packageDir, 'dist', relative);
  return exists(binary) ? binary : undefined;
}

/** The first of `names` in the directories of PATH, or the override when it exists. */
export function chromiumOnPath(
  env: Readonly<Record<string, string | undefined>>,
  exists: Exists,
): string | undefined {
  const override = env[CHROMIUM_ENV]?.trim();
  if (override) return exists(override) ? override : undefined;
  const directories = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of CHROMIUM_NAMES) {
    for (const dir of directories) {
      const candidate = join(dir, name);
      if (exists(candidate)) return candidate;
    }
  }
  return undefined;
}

export function installedElectron(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = join(packageDir, 'path.txt');
  const pathTxt = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
  return electronBinaryIn(packageDir, pathTxt, existsSync);
}

export function installedChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return chromiumOnPath(env, existsSync);
}

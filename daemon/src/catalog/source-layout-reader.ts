/**
 * Reads a repository written in Universe's source layout,
 * `repo/packages/<L>/<name>/<releaseVersion>/` with package.json, config.json,
 * marathon.json.mustache and resource.json, into the index entries a served
 * repository carries (the template base64-encoded, releaseVersion from the directory
 * name). Icons given as paths relative to resource.json are inlined as data: URLs, so
 * a repository on disk works with no web server and no network.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { validator } from '../protocol/validate.js';
import { isJsonObject } from './json-object.js';
import { PackageDefinition, RepositoryIndex } from './universe-schema.js';

export class SourceLayoutError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SourceLayoutError';
  }
}

const checkPackage = validator(PackageDefinition, 'package.json');

const IMAGE_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
};

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function readJson(file: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SourceLayoutError(file, (err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SourceLayoutError(file, `not JSON: ${(err as Error).message}`);
  }
}

/** Where the `packages` directory is: under DIR/repo/ (a Universe checkout) or DIR itself. */
export async function packagesDir(dir: string): Promise<string> {
  for (const candidate of [join(dir, 'repo', 'packages'), join(dir, 'packages')]) {
    if (await isDir(candidate)) return candidate;
  }
  throw new SourceLayoutError(
    dir,
    'has no repo/packages/ or packages/ directory (Universe’s source layout)',
  );
}

async function inlineImages(
  resource: Record<string, unknown>,
  dir: string,
  root: string,
): Promise<void> {
  const images = resource.images;
  if (!isJsonObject(images)) return;
  for (const [key, value] of Object.entries(images)) {
    if (typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
      const file = resolve(dir, value);
      // The daemon reads the file: a repository may point only at its own files.
      if (!file.startsWith(`${root}${sep}`)) {
        throw new SourceLayoutError(
          join(dir, 'resource.json'),
          `icon ${value} is outside the repository`,
        );
      }
      const type = IMAGE_TYPES[extname(file).toLowerCase()];
      if (!type) throw new SourceLayoutError(file, 'icons must be .svg, .png, .jpg or .gif files');
      const bytes = await readFile(file).catch((err: Error) => {
        throw new SourceLayoutError(file, err.message);
      });
      images[key] = `data:${type};base64,${bytes.toString('base64')}`;
    }
  }
}

/**
 * mesolite's one extension to config.json: a property with
 * `"x-mesolite-package-home": "@mesolite/<package>"` defaults to the directory that
 * package is installed in, so a built-in package can run code shipped with mesolite
 * (the Zombies Tracker) wherever mesolite is installed. Only mesolite's own packages
 * are resolved; an unresolvable one is left without a default.
 */
function fillPackageHomes(schema: unknown): void {
  if (!isJsonObject(schema) || !isJsonObject(schema.properties)) return;
  const require = createRequire(import.meta.url);
  for (const property of Object.values(schema.properties)) {
    if (!isJsonObject(property)) continue;
    const home = property['x-mesolite-package-home'];
    if (typeof home === 'string' && /^@mesolite\/[a-z0-9-]+$/.test(home)) {
      try {
        property.default = dirname(require.resolve(`${home}/package.json`));
      } catch {
        // Not installed here: the option then has to be given.
      }
    }
    fillPackageHomes(property);
  }
}

/** One package version's directory; `root` is the repository, whose files alone icons may name. */
export async function readPackageVersion(
  dir: string,
  releaseVersion: number,
  root: string = dir,
): Promise<PackageDefinition> {
  const manifest = await readJson(join(dir, 'package.json'), true);
  if (!isJsonObject(manifest))
    throw new SourceLayoutError(join(dir, 'package.json'), 'must be a JSON object');
  const entry: Record<string, unknown> = { packagingVersion: '2.0', ...manifest, releaseVersion };
  const config = await readJson(join(dir, 'config.json'), false);
  if (config !== undefined) {
    fillPackageHomes(config);
    entry.config = config;
  }
  const resource = await readJson(join(dir, 'resource.json'), false);
  if (isJsonObject(resource)) {
    await inlineImages(resource, dir, resolve(root));
    entry.resource = resource;
  }
  const template = await readFile(join(dir, 'marathon.json.mustache')).catch(() => undefined);
  if (template) entry.marathon = { v2AppMustacheTemplate: template.toString('base64') };
  try {
    return checkPackage.parse(entry);
  } catch (err) {
    throw new SourceLayoutError(join(dir, 'package.json'), (err as Error).message);
  }
}

/** Every package version under `dir`, as a repository index. */
export async function readSourceLayout(dir: string): Promise<RepositoryIndex> {
  const root = await packagesDir(dir);
  const packages: PackageDefinition[] = [];
  for (const letter of (await readdir(root)).sort()) {
    if (!(await isDir(join(root, letter)))) continue;
    for (const name of (await readdir(join(root, letter))).sort()) {
      const packageDir = join(root, letter, name);
      if (!(await isDir(packageDir))) continue;
      const releases = (await readdir(packageDir)).filter((entry) => /^\d+$/.test(entry));
      for (const release of releases.sort((a, b) => Number(a) - Number(b))) {
        packages.push(await readPackageVersion(join(packageDir, release), Number(release), dir));
      }
    }
  }
  return { packages };
}

export const checkRepositoryIndex = validator(RepositoryIndex, 'repository index');

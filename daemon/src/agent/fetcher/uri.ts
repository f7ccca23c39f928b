/**
 * How the fetcher reads a CommandInfo.URI's value and where its copy lands in the
 * sandbox, following Mesos's src/slave/containerizer/fetcher.cpp (Fetcher::basename,
 * Fetcher::uriToLocalPath, Fetcher::validateOutputFile), plus one rule Mesos only
 * has as a TODO: whatever lands in the sandbox stays inside it.
 */
import { lstat, mkdir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidFetchUriError } from './fetcher-errors.js';

export type FetchSource = { kind: 'net'; url: URL } | { kind: 'local'; path: string };

const FILE_PREFIX = 'file://';
const NET_SCHEMES = new Set(['http', 'https']);

/** Mesos trims leading whitespace from a URI before anything else. */
export function trimUri(value: string): string {
  return value.replace(/^\s+/, '');
}

/** What the value points at: an http(s) URL, or a file on this machine. */
export function parseSource(value: string): FetchSource {
  const uri = trimUri(value);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    if (!NET_SCHEMES.has(scheme)) {
      throw new InvalidFetchUriError(
        value,
        `unsupported scheme '${scheme}': mesolite fetches http, https and file URIs and absolute local paths`,
      );
    }
    try {
      return { kind: 'net', url: new URL(uri) };
    } catch {
      throw new InvalidFetchUriError(value, 'it is not a valid URL');
    }
  }
  // Mesos strips the prefix and a leading "localhost" and takes the rest literally
  // (no percent-decoding), so the same URIs name the same files here.
  const path = scheme === 'file' ? uri.slice(FILE_PREFIX.length).replace(/^localhost/, '') : uri;
  if (!isAbsolute(path)) {
    throw new InvalidFetchUriError(
      value,
      scheme === 'file'
        ? 'a file URI must hold an absolute path'
        : 'a relative path was given, but the fetcher has no frameworks home to resolve it against; use an absolute path',
    );
  }
  return { kind: 'local', path };
}

/**
 * The file name a URI gets in the sandbox when it has no output_file. Mesos treats
 * the URI as a path: everything after the last '/', query string included (hence
 * output_file for URLs with parameters).
 */
export function uriBasename(value: string): string {
  const uri = trimUri(value);
  // Mesos refuses these because its fetcher once passed URIs through a shell.
  if (/[\\'\0]/.test(uri)) {
    throw new InvalidFetchUriError(value, 'illegal characters in URI (backslash, quote or NUL)');
  }
  const schemeEnd = uri.indexOf('://');
  let name: string;
  if (schemeEnd > 1) {
    const rest = uri.slice(schemeEnd + 3);
    const slash = rest.indexOf('/');
    if (slash < 0 || rest.length <= slash + 1) {
      throw new InvalidFetchUriError(value, 'malformed URI (missing path)');
    }
    name = rest.slice(rest.lastIndexOf('/') + 1);
  } else {
    name = basename(uri);
  }
  if (name === '' || name === '.' || name === '..') {
    throw new InvalidFetchUriError(
      value,
      'it does not end in a file name; set output_file to name the copy in the sandbox',
    );
  }
  return name;
}

/** Checks output_file as Mesos does (non-empty, relative) and that it stays in the sandbox. */
export function validateOutputFile(value: string, outputFile: string): void {
  if (outputFile === '') throw new InvalidFetchUriError(value, 'output_file is empty');
  if (outputFile.includes('\0')) {
    throw new InvalidFetchUriError(value, 'output_file contains a NUL character');
  }
  if (isAbsolute(outputFile)) {
    throw new InvalidFetchUriError(
      value,
      `output_file '${outputFile}' must be a path relative to the sandbox directory`,
    );
  }
  const rel = relative('/sandbox', resolve('/sandbox', outputFile));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`)) {
    throw new InvalidFetchUriError(
      value,
      `output_file '${outputFile}' must name a file inside the sandbox directory`,
    );
  }
}

/** Whether `path` is `root` or below it; both must be real paths. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** lstat, or undefined when nothing is there. */
async function lstatIfAny(path: string): Promise<Awaited<ReturnType<typeof lstat>> | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The absolute path a fetched file is written to, `name` being relative to the sandbox
 * (already validated). Its directory is created; the real path of that directory must
 * still be inside the sandbox (a symlink could lead out), and a symlink already at the
 * destination is removed so that writing never follows it.
 */
export async function prepareDestination(root: string, name: string, uri: string): Promise<string> {
  const wanted = resolve(root, name);
  const dir = dirname(wanted);
  // Check the deepest directory that exists before creating anything below it, so
  // that mkdir itself can never create directories outside the sandbox.
  let existing = dir;
  while (existing !== root && (await lstatIfAny(existing)) === undefined)
    existing = dirname(existing);
  if (!isInside(root, await realpath(existing))) {
    throw new InvalidFetchUriError(uri, `'${name}' would be written outside the sandbox`);
  }
  await mkdir(dir, { recursive: true });
  const realDir = await realpath(dir);
  if (!isInside(root, realDir)) {
    throw new InvalidFetchUriError(uri, `'${name}' would be written outside the sandbox`);
  }
  const destination = join(realDir, basename(wanted));
  const stat = await lstatIfAny(destination);
  if (stat?.isSymbolicLink()) await unlink(destination);
  else if (stat?.isDirectory()) {
    throw new InvalidFetchUriError(uri, `'${name}' is a directory in the sandbox`);
  }
  return destination;
}

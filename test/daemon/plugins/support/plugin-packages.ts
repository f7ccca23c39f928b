/** Plugin packages for the run-time install tests: packed for real, or hand-made to be bad. */
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface PackageFile {
  path: string;
  content: string;
  /** A link entry pointing at `linkpath`, instead of a file. */
  symlinkTo?: string;
}

function block(data: Buffer): Buffer {
  const padding = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(padding)]);
}

/**
 * A gzipped tarball written entry by entry, exactly as given: no tool in the way that
 * would clean up a `../` path, which is what a hostile package would not do either.
 */
export function tarball(files: readonly PackageFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const data = Buffer.from(file.content);
    const header = new Header({
      path: file.path,
      mode: 0o644,
      size: file.symlinkTo === undefined ? data.length : 0,
      type: file.symlinkTo === undefined ? 'File' : 'SymbolicLink',
      ...(file.symlinkTo === undefined ? {} : { linkpath: file.symlinkTo }),
      mtime: new Date(0),
    });
    header.encode();
    if (!header.block) throw new Error(`cannot encode a tar header for ${file.path}`);
    blocks.push(header.block, file.symlinkTo === undefined ? block(data) : Buffer.alloc(0));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A package whose package.json carries `manifest` and whose files are `files`. */
export function pluginPackage(
  manifest: Record<string, unknown> | undefined,
  files: Record<string, string> = {},
): Buffer {
  return tarball([
    {
      path: 'package/package.json',
      content: JSON.stringify({
        name: 'test-plugin',
        version: '1.0.0',
        type: 'module',
        ...(manifest ? { mesolite: manifest } : {}),
      }),
    },
    ...Object.entries(files).map(([path, content]) => ({ path: `package/${path}`, content })),
  ]);
}

export async function upload(
  url: string,
  tgz: Buffer,
  method: 'POST' | 'PUT' = 'POST',
  path = '/mesolite/v1/plugins',
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/gzip' },
    body: new Uint8Array(tgz),
  });
}

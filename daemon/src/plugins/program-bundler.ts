/**
 * esbuild bundles for Node 20, as ES modules: a plugin's entry for `mesolite plugin
 * pack` (the host's API left out), and the programs a plugin's tasks run on agents
 * (Aurora's Thermos runner), which must import nothing at all: an agent has only the
 * file the fetcher brought and its own Node.
 */
import { build } from 'esbuild';
import { defineError } from '../errors.js';

export const BundleError = defineError(
  'MESOLITE_ERR_BUNDLE',
  400,
  (entry: string, detail: string) => `Bundling ${entry} failed: ${detail}`,
);

// A CommonJS dependency bundled into ESM (fastify, pino...) still calls require() for
// Node's built-ins; esbuild's ESM output has none, so the bundle makes one.
const REQUIRE_BANNER =
  "import { createRequire as __mesoliteCreateRequire } from 'node:module';\n" +
  'const require = __mesoliteCreateRequire(import.meta.url);';

/**
 * Bundles `entry` and everything it imports but `external` into `outfile`.
 * @throws {BundleError} naming each file esbuild could not bundle and why.
 */
export async function bundleNodeModule(
  entry: string,
  outfile: string,
  external: readonly string[] = [],
): Promise<void> {
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: [...external],
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      legalComments: 'none',
    });
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string } }> })
      .errors;
    const detail = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}: ${e.text}` : e.text)).join('; ')
      : (err as Error).message;
    throw new BundleError(entry, detail);
  }
}

/** A task program: one self-contained file an agent runs with MESOLITE_NODE. */
export function bundleProgram(entry: string, outfile: string): Promise<void> {
  return bundleNodeModule(entry, outfile);
}

/**
 * Bundles the programs Aurora's tasks run on agents, from what `tsc -b` built in dist/,
 * into self-contained files in dist/artifacts/: the manifest's "artifacts", which the
 * master serves to every agent's fetcher (docs/PLUGINS.md, "Artifacts").
 */
import { fileURLToPath } from 'node:url';
import { bundleProgram } from '@mesolite/daemon/plugins/program-bundler';

const dist = new URL('../dist/', import.meta.url);
const programs = {
  'thermos-runner.mjs': 'thermos/runner.js',
  'aurora-http-check.mjs': 'thermos/http-health-check.js',
};
for (const [artifact, entry] of Object.entries(programs)) {
  await bundleProgram(
    fileURLToPath(new URL(entry, dist)),
    fileURLToPath(new URL(`artifacts/${artifact}`, dist)),
  );
}

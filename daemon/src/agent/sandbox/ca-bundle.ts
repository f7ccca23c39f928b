/**
 * The cluster's CA in every sandbox, as DC/OS Enterprise puts it at
 * `$MESOS_SANDBOX/.ssl/ca-bundle.crt`: a task that calls the master back over HTTPS
 * (Chronos's async callback, a script using the API) trusts the same CA its agent
 * pinned from the join token, on whatever machine the agent runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CA_BUNDLE_PATH = '.ssl/ca-bundle.crt';

/** Writes the CA into the sandbox; the task finds it through MESOLITE_CA_CERT. */
export async function writeCaBundle(sandbox: string, pem: string): Promise<void> {
  await mkdir(join(sandbox, '.ssl'), { recursive: true });
  await writeFile(join(sandbox, CA_BUNDLE_PATH), pem, { mode: 0o644 });
}

import { Command } from 'commander';
import type { MasterAccessFlags } from '../auth/master-fetch.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import { masterOption, masterUrl } from './master-option.js';

export function healthCommand(): Command {
  return withCredentialOptions(
    new Command('health')
      .description("check that a master answers on /health; exits non-zero if it doesn't")
      .addOption(masterOption())
      .option('--timeout <ms>', 'how long to wait for an answer', '5000'),
  ).action(async (flags: MasterAccessFlags & { timeout: string }) => {
    const url = masterUrl(flags.master, '/health');
    const send = await clientFetch(flags);
    try {
      const response = await send(url, { signal: AbortSignal.timeout(Number(flags.timeout)) });
      if (!response.ok) {
        process.stderr.write(`${url} answered ${response.status}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`healthy: ${flags.master}\n`);
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      process.stderr.write(`cannot reach ${url}: ${cause}\n`);
      process.exitCode = 1;
    }
  });
}

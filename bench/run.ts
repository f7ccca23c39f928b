/**
 * `npm run bench -- NAME [args...]` runs bench/NAME.ts. A bench prints what it does as
 * it goes and returns its figures; this runner prints them as one JSON object on the
 * last line, so scripts can read `tail -1`.
 */
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';

export type BenchFigures = Record<string, string | number | boolean | null>;
export type Bench = (args: string[]) => Promise<BenchFigures>;

async function available(): Promise<string[]> {
  const files = await readdir(import.meta.dirname);
  return files
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
    .map((file) => basename(file, '.ts'))
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const names = await available();
if (!name || !names.includes(name)) {
  process.stderr.write(
    `${name ? `no bench named "${name}". ` : ''}usage: npm run bench -- NAME\n` +
      `benches: ${names.join(', ')}\n`,
  );
  process.exit(2);
}

const module = (await import(`./${name}.ts`)) as { default: Bench };
const figures = await module.default(args);
process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
process.exit(0);

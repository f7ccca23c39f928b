import { chmod, rename, writeFile } from 'node:fs/promises';

/** Writes through a temporary file and a rename, so a crash leaves the old file or the new. */
export async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  // writeFile's mode is masked by the umask; a private key must be 0600 regardless.
  await chmod(temporary, mode);
  await rename(temporary, path);
}

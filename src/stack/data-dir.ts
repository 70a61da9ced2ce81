/**
 * The stack's data directory holds payouts: recipient names and account numbers, in Temporal's
 * SQLite file and the sandbox's state file. Only its owner may read it.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The umask the stack runs its children with: what they create is the owner's alone. */
export const PRIVATE_UMASK = 0o077;

/**
 * Creates `dir` with mode 0700, or tightens an existing one to 0700, and tightens the files in it
 * (see {@link tightenDataFiles}). Throws the file system's error (with its `code`) when it cannot.
 */
export function preparePrivateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  tightenDataFiles(dir);
}

/**
 * Sets every regular file directly in `dir` to 0600: files from before, and files a child created
 * with modes of its own. Symbolic links are left alone (chmod would follow them out of `dir`).
 */
export function tightenDataFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      chmodSync(join(dir, entry.name), 0o600);
    } catch (error) {
      // A temp file renamed or removed since the listing is not there to protect.
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }
}

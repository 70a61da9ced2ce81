/**
 * `npm run temporal:provision`: finds or installs the Temporal CLI and the time-skipping test
 * server (see provision.ts for the order of places) and prints where each came from.
 */
import { fileURLToPath } from 'node:url';
import { resolveTemporalBinaries, TemporalBinaryNotFoundError } from './provision.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
try {
  const binaries = resolveTemporalBinaries({ projectRoot, env: process.env });
  for (const binary of Object.values(binaries)) {
    const where =
      binary.source === 'sdk-download' ? "the SDK's download at first use" : binary.path;
    process.stdout.write(`${binary.kind}: ${binary.source} (${where})\n`);
  }
} catch (error) {
  if (error instanceof TemporalBinaryNotFoundError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { resolveTemporalBinaries, toExecutable } from '../src/temporal/provision.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliExecutable: ReturnType<typeof toExecutable>;
    temporalTestServerExecutable: ReturnType<typeof toExecutable>;
  }
}

/**
 * Finds or installs the Temporal binaries once for the whole suite (the first run on a fresh
 * machine installs them into `.tools/`), and hands their paths to the test files.
 */
export default function setup(project: TestProject): void {
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  const binaries = resolveTemporalBinaries({ projectRoot, env: process.env });
  project.provide('temporalCliExecutable', toExecutable(binaries.cli));
  project.provide('temporalTestServerExecutable', toExecutable(binaries['test-server']));
}

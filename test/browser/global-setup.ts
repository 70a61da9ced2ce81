import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureChromium } from '../../scripts/install-chromium.js';
import { resolveTemporalBinary } from '../../src/temporal/provision.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the Web UI test drives (CHROMIUM_PATH, PATH, or installed by apt-get). */
    chromiumPath: string;
  }
}

/**
 * Finds Chromium once for the browser project, installing Debian's package on a machine that
 * has none (a fresh CI image: about half a minute more), and the Temporal CLI `npm start` runs,
 * installing it into `.tools/` as the integration project does when this project runs alone.
 */
export default function setup(project: TestProject): void {
  project.provide('chromiumPath', ensureChromium());
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  resolveTemporalBinary('cli', { projectRoot, env: process.env });
}

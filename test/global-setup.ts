import { bundleWorkflowCode } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { FAILURE_CONVERTER_PATH } from '../src/codec/data-converter.js';
import { resolveTemporalBinaries, toExecutable } from '../src/temporal/provision.js';
import { sharedWorkflowModulePaths } from '../src/worker/workflow-sources.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliExecutable: ReturnType<typeof toExecutable>;
    temporalTestServerExecutable: ReturnType<typeof toExecutable>;
    /** The payout workflows, bundled once for every test file that runs a worker. */
    workflowBundleCode: string;
  }
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

/**
 * Finds or installs the Temporal binaries once for the whole run (the first run on a fresh
 * machine installs them into `.tools/`), bundles the payout workflows once, and hands both to
 * the test files.
 */
export default async function setup(project: TestProject): Promise<void> {
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  const binaries = resolveTemporalBinaries({ projectRoot, env: process.env });
  project.provide('temporalCliExecutable', toExecutable(binaries.cli));
  project.provide('temporalTestServerExecutable', toExecutable(binaries['test-server']));
  const bundle = await bundleWorkflowCode({
    workflowsPath: `${projectRoot}workflows/index.ts`,
    // As the product's worker bundles them: failure messages encoded, so encrypted.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    preloadModules: sharedWorkflowModulePaths(projectRoot),
    logger: quiet,
  });
  project.provide('workflowBundleCode', bundle.code);
}

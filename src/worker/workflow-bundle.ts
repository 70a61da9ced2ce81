/**
 * A workflow bundle built ahead of the worker (`npm run build:workflows`), so a worker starts
 * without bundling. A bundle records a digest of the sources it was built from; a worker refuses
 * one whose sources changed since, since it would run other workflow code than the one deployed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { ConfigError } from '../errors.js';
import {
  ROOT,
  WORKFLOWS_PATH,
  sharedWorkflowModulePaths,
  workflowSourcesDigest,
} from './workflow-sources.js';

export { workflowSourcesDigest };

/** Builds the bundle into `path` and its digest into `path.digest`; returns the code's size. */
export async function buildWorkflowBundle(path: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    preloadModules: sharedWorkflowModulePaths(),
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
  writeFileSync(`${path}.digest`, `${workflowSourcesDigest()}\n`);
  return code.length;
}

/**
 * The prebuilt bundle at `path` for `Worker.create`, after checking it was built from today's
 * sources; a {@link ConfigError} naming `WORKER_WORKFLOW_BUNDLE` otherwise.
 */
export function prebuiltWorkflowBundle(path: string, root = ROOT): { codePath: string } {
  let recorded: string;
  try {
    recorded = readFileSync(`${path}.digest`, 'utf8').trim();
    readFileSync(path, { flag: 'r' });
  } catch {
    throw new ConfigError([
      { field: 'WORKER_WORKFLOW_BUNDLE', rule: 'names a bundle and its .digest that can be read' },
    ]);
  }
  if (recorded !== workflowSourcesDigest(root)) {
    throw new ConfigError([
      {
        field: 'WORKER_WORKFLOW_BUNDLE',
        rule: 'built from other workflow sources than these: run npm run build:workflows again',
      },
    ]);
  }
  return { codePath: path };
}

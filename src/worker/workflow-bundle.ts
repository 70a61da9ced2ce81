/**
 * A workflow bundle built ahead of the worker (`npm run build:workflows`), so a worker starts
 * without bundling. A bundle records a digest of the sources it was built from; a worker refuses
 * one whose sources changed since, since it would run other workflow code than the one deployed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { ConfigError } from '../errors.js';
import { WORKFLOWS_PATH } from './create-worker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What the bundle is made of: the workflows, the vocabulary they import, the failure converter. */
const SOURCE_DIRS = ['workflows', 'vocabulary'];

/** A digest of every source the bundle is built from. */
export function workflowSourcesDigest(root = ROOT): string {
  const hash = createHash('sha256');
  const files = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
  ).sort();
  for (const file of [...files, 'src/codec/failure-converter.ts']) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/** Builds the bundle into `path` and its digest into `path.digest`; returns the code's size. */
export async function buildWorkflowBundle(path: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
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

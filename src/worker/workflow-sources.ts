/**
 * What the worker's workflow code is made of, and the name it goes by: the workflows, the
 * vocabulary they import and the failure converter, hashed into one digest. A prebuilt bundle is
 * checked against it, and it is the worker's build id.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The workflow code the worker bundles (deterministic, fenced; see workflows/). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
/**
 * The workflow modules every payout in a worker shares instead of evaluating its own copy: with a
 * reused V8 context the SDK gives each workflow its own module cache, except for the modules it
 * loads once at the context's start (the bundler's `preloadModules`), which it then deep-freezes.
 * These are plain functions and constants: no runtime import from the SDK or outside this list,
 * no module-level `let`, nothing built with `new` or read from a clock at load, and private
 * tables read-only by type (`test/worker/shared-workflow-modules.test.ts` checks each), so what
 * one payout does leaves nothing for another: exports are frozen, the rest cannot be written.
 */
export const SHARED_WORKFLOW_MODULES = [
  'vocabulary/duration.ts',
  'vocabulary/gateway.ts',
  'vocabulary/payout-request.ts',
  'workflows/ids.ts',
  'workflows/policy.ts',
  'workflows/decisions.ts',
  'workflows/answers.ts',
  'workflows/state.ts',
  'workflows/decide.ts',
  'workflows/details.ts',
  'workflows/input.ts',
] as const;

/**
 * {@link SHARED_WORKFLOW_MODULES} as the bundler's `preloadModules`, wherever the payout bundle is
 * built (the worker at start, `npm run build:workflows`, the tests).
 */
export function sharedWorkflowModulePaths(root = ROOT): string[] {
  return SHARED_WORKFLOW_MODULES.map((file) => join(root, file));
}

/** What the bundle is made of: the workflows, the vocabulary they import, the failure converter. */
const SOURCE_DIRS = ['workflows', 'vocabulary'];
/** The workflow SDK the bundle runs on (its package version). */
const SDK_VERSION = (
  createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version: string }
).version;

/** A digest of every source the bundle is built from, and of which modules it shares. */
export function workflowSourcesDigest(
  root = ROOT,
  shared: readonly string[] = SHARED_WORKFLOW_MODULES,
): string {
  const hash = createHash('sha256');
  // Which modules are shared is part of how the bundle was built.
  hash.update(`shared:${shared.join(',')}\0`);
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

/**
 * The build id every workflow task and activity records: the start of the sources' digest and
 * the SDK version. The SDK's default (its package name and a 64-digit bundle checksum) costs
 * about 65 bytes more in each of those events.
 */
export function workflowBuildId(root = ROOT): string {
  return `payout-workflows@${workflowSourcesDigest(root).slice(0, 16)}+sdk${SDK_VERSION}`;
}

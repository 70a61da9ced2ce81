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
/** What the bundle is made of: the workflows, the vocabulary they import, the failure converter. */
const SOURCE_DIRS = ['workflows', 'vocabulary'];
/** The workflow SDK the bundle runs on (its package version). */
const SDK_VERSION = (
  createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version: string }
).version;

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

/**
 * The build id every workflow task and activity records: the start of the sources' digest and
 * the SDK version. The SDK's default (its package name and a 64-digit bundle checksum) costs
 * about 65 bytes more in each of those events.
 */
export function workflowBuildId(root = ROOT): string {
  return `payout-workflows@${workflowSourcesDigest(root).slice(0, 16)}+sdk${SDK_VERSION}`;
}

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import * as bundle from '../../src/worker/workflow-bundle.js';
import { SHARED_WORKFLOW_MODULES, workflowBuildId } from '../../src/worker/workflow-sources.js';

const root = join(import.meta.dirname, '../..');

describe('a workflow bundle built ahead of the worker', () => {
  it('is taken when built from these sources, refused once a workflow source changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
    const path = join(dir, 'bundle.js');
    const bytes = await bundle.buildWorkflowBundle(path);
    expect(bytes).toBeGreaterThan(100_000);
    // The product's failure converter is in it, as in the bundle a worker builds itself.
    const code = readFileSync(path, 'utf8');
    expect(code).toContain('encodeCommonAttributes');
    // Every payout shares one copy of the pure modules: the bundle loads them before any workflow.
    const preload = /function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    for (const file of SHARED_WORKFLOW_MODULES) expect(preload).toContain(`"./${file}"`);
    expect(bundle.prebuiltWorkflowBundle(path)).toEqual({ codePath: path });

    // The same bundle against a copy of the sources where one workflow file changed.
    const copy = mkdtempSync(join(tmpdir(), 'workflow-sources-'));
    for (const d of ['workflows', 'vocabulary', 'src/codec'])
      cpSync(join(root, d), join(copy, d), { recursive: true });
    expect(bundle.workflowSourcesDigest(copy)).toBe(bundle.workflowSourcesDigest(root));
    // A bundle that shares other modules is another bundle.
    expect(bundle.workflowSourcesDigest(root, SHARED_WORKFLOW_MODULES.slice(1))).not.toBe(
      bundle.workflowSourcesDigest(root),
    );
    writeFileSync(join(copy, 'workflows/decide.ts'), '// changed\n', { flag: 'a' });
    expect(() => bundle.prebuiltWorkflowBundle(path, copy)).toThrow(ConfigError);
    expect(() => bundle.prebuiltWorkflowBundle(path, copy)).toThrow(
      /WORKER_WORKFLOW_BUNDLE.*build:workflows/,
    );
    // The worker's build id names the sources too, short: it is stored in every workflow task.
    expect(workflowBuildId(root)).toMatch(/^payout-workflows@[0-9a-f]{16}\+sdk\d+\.\d+\.\d+$/);
    expect(workflowBuildId(copy)).not.toBe(workflowBuildId(root));
  }, 60_000);

  it('is refused, naming the key, when the file or its digest is missing', () => {
    expect(() => bundle.prebuiltWorkflowBundle(join(tmpdir(), 'no-such-bundle.js'))).toThrow(
      /WORKER_WORKFLOW_BUNDLE \(names a bundle and its \.digest that can be read\)/,
    );
  });
});

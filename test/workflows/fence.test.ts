import { bundleWorkflowCode } from '@temporalio/worker';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const quiet = { logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } };

/** Lints `lines` as if they were a file in workflows/ (syntax rules only: no type info needed). */
async function lintAsWorkflow(...lines: string[]): Promise<string[]> {
  const eslint = new ESLint({
    cwd: projectRoot,
    overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
  });
  const [result] = await eslint.lintText(lines.join('\n'), {
    filePath: `${projectRoot}workflows/probe.ts`,
  });
  return (result?.messages ?? []).map((m) => `${m.line}: ${m.message}`);
}

describe('the workflow fence', () => {
  it.each([
    {
      rule: 'forbids Node built-ins, undici and runtime imports from src/ and activities/',
      lines: [
        "import { request } from 'undici';",
        "import fs from 'node:fs';",
        "import { createHash } from 'crypto';",
        "import { sign } from '../src/gateway/sign.js';",
        "import { createActivities } from '../activities/index.js';",
        'export const used = [request, fs, createHash, sign, createActivities];',
      ],
      messages: [
        /^1: .*Workflows may not do I\/O/,
        /^2: .*Node built-ins/,
        /^3: .*Node built-ins/,
        /^4: .*only types from src/,
        /^5: .*only activity types/,
      ],
    },
    {
      rule: 'allows the vocabulary, type imports from src/ and activities/, and the workflow SDK',
      lines: [
        "import { finalOutcome, type SubmitOutcome } from '../vocabulary/gateway.js';",
        "import type { GatewayConfig } from '../src/gateway/config.js';",
        "import type { PayoutActivities } from '../activities/types.js';",
        "import { proxyActivities } from '@temporalio/workflow';",
        'export const acts = proxyActivities<PayoutActivities>({ startToCloseTimeout: 1000 });',
        'export type Outcome = SubmitOutcome | GatewayConfig;',
        'export const final = finalOutcome;',
      ],
      messages: [],
    },
  ])('lint $rule', async ({ lines, messages }) => {
    expect(await lintAsWorkflow(...lines)).toEqual(
      messages.map((m) => expect.stringMatching(m) as unknown),
    );
  });

  it('the payout workflows bundle for the deterministic sandbox, without zod', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: `${projectRoot}workflows/index.ts`,
      ...quiet,
    });
    // Both workflows the worker registers are in it, and no validation library: small checks
    // (vocabulary/, workflows/decisions.ts, workflows/policy.ts) validate inside a workflow.
    expect(bundle.code).toMatch(/payoutWorkflow/);
    expect(bundle.code).toMatch(/payoutDisputeWorkflow/);
    expect(bundle.code).not.toMatch(/node_modules\/zod\//);
    expect(bundle.code).toMatch(/vocabulary\/gateway\.ts/);
  });

  it('the bundler refuses a workflow that imports Node built-ins', async () => {
    const said: string[] = [];
    const collect = (message: string) => void said.push(message);
    await expect(
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./fixtures/leaky-workflow.ts', import.meta.url)),
        logger: { ...quiet.logger, warn: collect, error: collect },
      }),
    ).rejects.toThrow(/Webpack finished with errors/);
    expect(said.join('\n')).toContain('node:fs');
  });
});

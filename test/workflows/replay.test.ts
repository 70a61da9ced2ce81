import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DeterminismViolationError } from '@temporalio/workflow';
import {
  DefaultLogger,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const historyOf = (file: string) =>
  historyFromJSON(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
/** Histories do not carry their workflow id, and the workflow checks it: the recorder's ids. */
const workflowIdOf = (file: string) =>
  `payout:PF0002:HIST-${file.replace(/(\.last-run)?\.json$/, '')}`.slice(
    0,
    'payout:PF0002:'.length + 32,
  );
const logger = new DefaultLogger('WARN');

/**
 * Histories recorded from real runs of each payout path (`npm run histories:record`) replay
 * against the current workflow code: a change that would break payouts already running fails here.
 */
describe('replay of recorded payout histories', () => {
  let current: { code: string };
  let incompatible: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    current = { code: inject('workflowBundleCode') };
    incompatible = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(
        new URL('./fixtures/incompatible-workflows.ts', import.meta.url),
      ),
      logger,
    });
  }, 60_000);

  it('has a history for every recorded path', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'accepted-then-success.json',
        'unknown-then-failed.json',
        'rejected-confirmed.json',
        'known-order-followed.json',
        'callback-early.json',
        'escalated-then-operator.json',
        'continued-as-new.json',
        'continued-as-new.last-run.json',
        'first-check-in-submit.json',
        'first-check-final-in-submit.json',
      ]),
    );
  });

  it.each(files)('%s replays against the current workflow code', async (file) => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: current, replayName: file },
        historyOf(file),
        workflowIdOf(file),
      ),
    ).resolves.toBeUndefined();
  });

  it('a change that reorders the workflow commands fails replay', async () => {
    const replay = Worker.runReplayHistory(
      { workflowBundle: incompatible, replayName: 'incompatible' },
      historyOf('accepted-then-success.json'),
      workflowIdOf('accepted-then-success.json'),
    );
    await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
    // The new timer meets the recorded submit: the mismatch, not some other failure.
    await expect(replay).rejects.toThrow(/Timer|StartTimer|ScheduleActivity/);
  });
});

import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import {
  PAYOUT_RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type ReconciliationInput,
} from '../../workflows/reconciliation-api.js';
import { formatDuration } from '../../vocabulary/duration.js';

/** How the reconciliation schedule runs. */
export interface ReconciliationScheduleOptions {
  readonly platformId: string;
  readonly taskQueue: string;
  /** Time between runs; each run compares a window twice as long, so windows overlap. */
  readonly everyMs: number;
  /** A running payout started longer ago than this is checked against the gateway. */
  readonly staleAfterMs: number;
}

/**
 * Creates the schedule `payout-reconciliation:<platformId>`, or brings an existing one in line
 * with these options (so a changed setting takes effect at the next worker start). Runs never
 * overlap: a run still going when the next is due makes that one skip.
 *
 * @returns whether it was created (true) or updated (false).
 */
export async function ensureReconciliationSchedule(
  client: Client,
  options: ReconciliationScheduleOptions,
): Promise<boolean> {
  const scheduleId = reconciliationScheduleId(options.platformId);
  const input: ReconciliationInput = {
    platformId: options.platformId,
    spanMs: 2 * options.everyMs,
    staleAfterMs: options.staleAfterMs,
  };
  const spec: ScheduleSpec = { intervals: [{ every: options.everyMs }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: PAYOUT_RECONCILIATION_WORKFLOW_TYPE,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [input],
    staticSummary: `Reconciliation of ${options.platformId}: the gateway's orders of the last ${formatDuration(input.spanMs ?? 0)} against the payouts`,
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'payout reconciliation' },
    });
    return true;
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    ...previous,
    spec,
    action,
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
  }));
  return false;
}

/**
 * The bench's floor workflows, bundled for a bench-only worker on its own task queue: the
 * cheapest Temporal can do the payout's shape. Floor B: two no-op activities. Floor C: the same
 * with a timer between them, as a payout submits, waits, then checks.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { FloorActivities } from './activities.js';

const { floorFirst, floorSecond } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30s',
});

/** Floor B: two activities, nothing between them. */
export async function floorTwoActivities(id: string): Promise<string> {
  await floorFirst(id);
  return floorSecond(id);
}

/** Floor C: two activities with a timer between them (the payout's first check delay). */
export async function floorTimer(id: string, waitMs: number): Promise<string> {
  await floorFirst(id);
  await sleep(waitMs);
  return floorSecond(id);
}

/** A trivial workflow that waits: the memory baseline of one cached, waiting workflow. */
export async function floorWaiting(waitMs: number): Promise<void> {
  await sleep(waitMs);
}

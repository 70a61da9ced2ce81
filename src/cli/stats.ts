/**
 * `stats`: the merchant's payouts counted by `PayoutStatus`, and those waiting for a person by
 * reason. Temporal's SQL visibility (the dev server, PostgreSQL) groups counts by
 * `ExecutionStatus` only, so each known value is counted on its own, all at once; a value the
 * CLI does not know shows as `other`.
 */
import type { Client } from '@temporalio/client';
import { PAYOUT_ESCALATION_REASONS, PAYOUT_STATUSES } from './flags.js';
import { table } from './output.js';
import { payoutsQuery, reasonCountQuery, statusCountQuery } from './query.js';

/** The counts; `--json` prints this as it is. */
export interface PayoutStats {
  readonly total: number;
  /** Every status, zero included, plus `other` when some status is not known to the CLI. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** NEEDS_REVIEW by reason, only the reasons that occur (and `other`, if any). */
  readonly byReason: Readonly<Record<string, number>>;
}

/** Counts the merchant's payouts with one visibility count per status and per reason. */
export async function payoutStats(client: Client, platformId: string): Promise<PayoutStats> {
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const [total, statuses, reasons] = await Promise.all([
    count(payoutsQuery(platformId)),
    Promise.all(PAYOUT_STATUSES.map((s) => count(statusCountQuery(platformId, s)))),
    Promise.all(PAYOUT_ESCALATION_REASONS.map((r) => count(reasonCountQuery(platformId, r)))),
  ]);
  const byStatus: Record<string, number> = {};
  PAYOUT_STATUSES.forEach((s, i) => (byStatus[s] = statuses[i] ?? 0));
  const otherStatus = total - sum(statuses);
  if (otherStatus > 0) byStatus['other'] = otherStatus;
  const byReason: Record<string, number> = {};
  // Payouts only (disputes are not counted here), so only the reasons a payout can have.
  PAYOUT_ESCALATION_REASONS.forEach((r, i) => {
    if ((reasons[i] ?? 0) > 0) byReason[r] = reasons[i] ?? 0;
  });
  const otherReason = (byStatus['NEEDS_REVIEW'] ?? 0) - sum(reasons);
  if (otherReason > 0) byReason['other'] = otherReason;
  return { total, byStatus, byReason };
}

/** The counts as two small tables for people. */
export function formatStats(stats: PayoutStats): string {
  const statusRows = Object.entries(stats.byStatus).map(([s, n]) => [s, String(n)]);
  const reasonRows = Object.entries(stats.byReason).map(([r, n]) => [r, String(n)]);
  const parts = [
    table(
      [{ heading: 'STATUS' }, { heading: 'COUNT', right: true }],
      [...statusRows, ['total', String(stats.total)]],
    ),
  ];
  parts.push(
    reasonRows.length === 0
      ? 'nothing waits for a person'
      : table(
          [{ heading: 'NEEDS_REVIEW BY REASON' }, { heading: 'COUNT', right: true }],
          reasonRows,
        ),
  );
  return parts.join('\n\n');
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

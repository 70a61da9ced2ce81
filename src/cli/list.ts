/** `list`: the merchant's payouts (and disputes) from Temporal visibility, as rows. */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutEscalationKey,
  PayoutStatusKey,
} from '../../workflows/api.js';
import { PAYOUT_DISPUTE_WORKFLOW_TYPE } from '../../workflows/dispute.js';
import { centsToYuan } from './amount.js';
import type { ListFilters } from './args.js';
import { formatAge, table } from './output.js';
import { listQuery } from './query.js';

/** One listed payout or dispute; `--json` prints these as they are. */
export interface ListRow {
  readonly merchantOrderId: string;
  readonly kind: 'payout' | 'dispute';
  /** Null when the workflow has no `AmountCents` (disputes). */
  readonly amountCents: number | null;
  readonly status: string;
  /** The current escalation or dispute reason (`PayoutEscalation`), while a person must look. */
  readonly reason: string | null;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly ageSeconds: number;
  readonly workflowId: string;
}

/** The rows of `list`, and whether there were more than `filters.limit`. */
export interface ListResult {
  readonly query: string;
  readonly rows: readonly ListRow[];
  readonly truncated: boolean;
}

/** Runs the visibility query and reads at most `filters.limit` rows (one more to tell if truncated). */
export async function listPayouts(
  client: Client,
  platformId: string,
  filters: ListFilters,
  now: Date = new Date(),
): Promise<ListResult> {
  const query = listQuery(platformId, filters, now);
  const rows: ListRow[] = [];
  let truncated = false;
  for await (const info of client.workflow.list({
    query,
    pageSize: Math.min(filters.limit + 1, 1000),
  })) {
    if (rows.length === filters.limit) {
      truncated = true;
      break;
    }
    rows.push(toRow(info, now));
  }
  return { query, rows, truncated };
}

/** A workflow's visibility record as a row. */
export function toRow(info: WorkflowExecutionInfo, now: Date): ListRow {
  const sa = info.typedSearchAttributes;
  const amount = sa.get(AmountCentsKey);
  return {
    merchantOrderId: sa.get(MerchantOrderIdKey) ?? info.workflowId,
    kind: info.type === PAYOUT_DISPUTE_WORKFLOW_TYPE ? 'dispute' : 'payout',
    amountCents: amount ?? null,
    status: sa.get(PayoutStatusKey) ?? '?',
    reason: sa.get(PayoutEscalationKey) ?? null,
    startedAt: info.startTime.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - info.startTime.getTime()) / 1000)),
    workflowId: info.workflowId,
  };
}

/** The rows as a table for people. */
export function formatList(rows: readonly ListRow[]): string {
  if (rows.length === 0) return 'no payouts match';
  return table(
    [
      { heading: 'ORDER' },
      { heading: 'AMOUNT', right: true },
      { heading: 'STATUS' },
      { heading: 'REASON' },
      { heading: 'AGE', right: true },
    ],
    rows.map((r) => [
      r.kind === 'dispute' ? `${r.merchantOrderId} (dispute)` : r.merchantOrderId,
      r.amountCents === null ? '-' : centsToYuan(r.amountCents),
      r.status,
      r.reason ?? '-',
      formatAge(r.ageSeconds * 1000),
    ]),
  );
}

import { ApplicationFailure, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { ReconciliationActivities } from '../activities/types.js';
import { formatDuration } from '../vocabulary/duration.js';
import { PLATFORM_ID_PATTERN } from '../vocabulary/payout-request.js';
import { yuan } from './answers.js';
import {
  MAX_REPORTED,
  type ActionOutcome,
  type Difference,
  type DifferenceKind,
  type ReconciliationInput,
  type ReconciliationReport,
} from './reconciliation-api.js';

const HOUR = 3_600_000;
const DEFAULTS = { spanMs: 2 * HOUR, settleMs: 10 * 60_000, staleAfterMs: 2 * HOUR };
/** Longest window and stale age a run accepts: a month of orders is already a long listing. */
const MAX_MS = 31 * 24 * HOUR;
/** Running payouts checked per run; the oldest first is not guaranteed, the next run goes on. */
const STALE_LIMIT = 500;
/** Differences acted on per activity call: keeps each payload small. */
const ACT_BATCH = 100;

const { compareGatewayWindow, checkStalePayouts, actOnDifferences } =
  proxyActivities<ReconciliationActivities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
  });

/**
 * Holds the gateway's own list of orders up against the payouts, for one merchant: orders no
 * payout knows, payouts the gateway does not know, final states the gateway contradicts, and
 * running payouts the gateway is ahead of. Each difference a person must look at opens a dispute
 * (listed under `PayoutStatus="NEEDS_REVIEW"`); a running payout that is only behind is asked to
 * check now. The report is the result. Run by the schedule `payout-reconciliation:<platformId>`.
 */
export async function payoutReconciliationWorkflow(
  input: ReconciliationInput,
): Promise<ReconciliationReport> {
  const { platformId, window, staleAfterMs } = parseInput(input, Date.now());
  setCurrentDetails(`**Comparing** the gateway's orders created ${window.from} to ${window.to}…`);

  const compared = await compareGatewayWindow({ platformId, ...window });
  const staleBefore = new Date(Date.now() - staleAfterMs).toISOString();
  const stale = await checkStalePayouts({
    platformId,
    startedBefore: staleBefore,
    limit: STALE_LIMIT,
  });

  const differences = distinct([...compared.differences, ...stale.differences]);
  const outcomes: ActionOutcome[] = [];
  const toAct = differences.filter((d) => d.action !== 'report');
  for (let i = 0; i < toAct.length; i += ACT_BATCH) {
    outcomes.push(
      ...(await actOnDifferences({ platformId, differences: toAct.slice(i, i + ACT_BATCH) })),
    );
  }
  const outcomeOf = new Map(outcomes.map((o) => [`${o.merchantOrderId}|${o.kind}`, o.outcome]));

  const counts: Partial<Record<DifferenceKind, number>> = {};
  for (const d of differences) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
  const report: ReconciliationReport = {
    platformId,
    window,
    gatewayOrders: compared.gatewayOrders,
    payoutsCompared: compared.payoutsCompared,
    staleBefore,
    stalePayoutsChecked: stale.checked,
    counts,
    differences: differences.slice(0, MAX_REPORTED).map((d) => ({
      ...d,
      outcome: outcomeOf.get(`${d.merchantOrderId}|${d.kind}`) ?? 'done',
    })),
    moreDifferences: Math.max(0, differences.length - MAX_REPORTED),
    summary: summaryOf(compared.gatewayOrders, stale.checked, differences.length, outcomes),
  };
  setCurrentDetails(reportDetails(report));
  return report;
}

/** The same order and kind found twice (in the window and as stale) counts once. */
function distinct(differences: readonly Difference[]): Difference[] {
  const seen = new Map<string, Difference>();
  for (const d of differences) seen.set(`${d.merchantOrderId}|${d.kind}`, d);
  return [...seen.values()];
}

function summaryOf(
  orders: number,
  stale: number,
  differences: number,
  outcomes: readonly ActionOutcome[],
): string {
  const disputes = outcomes.filter((o) => o.action === 'dispute' && o.outcome === 'done').length;
  const checks = outcomes.filter((o) => o.action === 'check-now' && o.outcome === 'done').length;
  const failed = outcomes.filter((o) => o.outcome !== 'done').length;
  if (differences === 0) {
    return `${orders} gateway orders and ${stale} long-running payouts compared: no differences`;
  }
  return `${orders} gateway orders and ${stale} long-running payouts compared: ${differences} differences, ${disputes} disputes opened, ${checks} payouts asked to check${failed > 0 ? `, ${failed} not acted on (next run)` : ''}`;
}

/** The report in markdown, for the Web UI's current details. */
function reportDetails(report: ReconciliationReport): string {
  const lines = [
    `**${report.summary}.**`,
    `Window (gateway create_time): ${report.window.from} to ${report.window.to}. Running payouts started before ${report.staleBefore} checked: ${report.stalePayoutsChecked}.`,
  ];
  if (report.differences.length > 0) {
    lines.push(
      '| order | difference | gateway | payout | done |',
      '|---|---|---|---|---|',
      ...report.differences.map((d) => {
        const gw =
          d.gateway === null ? 'no order' : `${d.gateway.state} ${yuan(d.gateway.amountCents)}`;
        const ours =
          d.payout === null
            ? 'no workflow'
            : `${d.payout.workflowStatus} ${d.payout.payoutStatus ?? ''}`;
        return `| \`${d.merchantOrderId}\` | ${d.kind} | ${gw} | ${ours} | ${d.action}: ${d.outcome} |`;
      }),
    );
    if (report.moreDifferences > 0) lines.push(`and ${report.moreDifferences} more (see counts).`);
    lines.push(
      'Disputes are listed with `PayoutStatus="NEEDS_REVIEW"`; see docs/operators.md, "Reconciliation".',
    );
  }
  return lines.join('\n\n');
}

interface ParsedInput {
  readonly platformId: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly staleAfterMs: number;
}

/** Checks the input by hand (the workflow bundle carries no zod); bad input fails the run. */
function parseInput(input: ReconciliationInput, now: number): ParsedInput {
  const problems: string[] = [];
  const v = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const platformId = v['platformId'];
  if (typeof platformId !== 'string' || !PLATFORM_ID_PATTERN.test(platformId)) {
    problems.push('platformId: letters and digits only, 1 to 7 characters');
  }
  const duration = (key: 'spanMs' | 'settleMs' | 'staleAfterMs'): number => {
    const value = v[key] ?? DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_MS) {
      problems.push(`${key}: whole milliseconds from 0 to ${formatDuration(MAX_MS)}`);
      return DEFAULTS[key];
    }
    return value;
  };
  const spanMs = duration('spanMs');
  const settleMs = duration('settleMs');
  const staleAfterMs = duration('staleAfterMs');
  let window = {
    from: new Date(now - settleMs - spanMs).toISOString(),
    to: new Date(now - settleMs).toISOString(),
  };
  if (v['window'] !== undefined) {
    const w = (
      typeof v['window'] === 'object' && v['window'] !== null ? v['window'] : {}
    ) as Record<string, unknown>;
    const from = typeof w['from'] === 'string' ? Date.parse(w['from']) : NaN;
    const to = typeof w['to'] === 'string' ? Date.parse(w['to']) : NaN;
    if (Number.isNaN(from) || Number.isNaN(to) || from > to || to - from > MAX_MS) {
      problems.push(
        `window: {from, to} in ISO 8601, from not after to, at most ${formatDuration(MAX_MS)} apart`,
      );
    } else {
      window = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    }
  }
  if (problems.length > 0) {
    throw ApplicationFailure.create({
      type: 'InvalidReconciliationInput',
      nonRetryable: true,
      message: `Invalid reconciliation input: ${problems.join('; ')}`,
    });
  }
  return { platformId: platformId as string, window, staleAfterMs };
}

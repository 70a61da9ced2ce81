import { WorkflowNotFoundError } from '@temporalio/client';
import type { PayoutRequest } from '../../src/client/index.js';
import { PayoutStatusKey, payoutWorkflowId, type PayoutResult } from '../../workflows/api.js';
import type { OperatorTally } from './operator.js';
import { truthOf } from './operator.js';
import { SOAK_MERCHANT, type SoakStack } from './stack.js';

/** What the checks found: violations per invariant, and how the payouts ended. */
export interface InvariantReport {
  readonly violations: {
    /** I1: at most one create per payout_cl_id, plus one per recorded operator resubmit. */
    readonly I1: string[];
    /** I2: every payout final, or NEEDS_REVIEW with an open workflow. */
    readonly I2: string[];
    /** I3: every final status equals the gateway's truth. */
    readonly I3: string[];
    /** I4: no FAILED or REJECTED without a verified answer or an operator's decision. */
    readonly I4: string[];
  };
  /** Final statuses (and NEEDS_REVIEW for payouts left for a person), by count. */
  readonly outcomes: Record<string, number>;
  /** Create calls the gateway received, and orders it created, over all payouts. */
  readonly creates: { readonly calls: number; readonly orders: number; readonly payouts: number };
}

/** Checks I1-I4 for every payout against the sandbox's records and the workflows' results. */
export async function checkInvariants(
  stack: SoakStack,
  requests: readonly PayoutRequest[],
  tally: OperatorTally,
): Promise<InvariantReport> {
  const violations = {
    I1: [] as string[],
    I2: [] as string[],
    I3: [] as string[],
    I4: [] as string[],
  };
  const outcomes: Record<string, number> = {};
  let calls = 0;
  let orders = 0;
  for (const request of requests) {
    const id = request.merchantOrderId;
    const record = stack.sandbox.record(id);
    const created = record.creates.filter((c) => c.created).length;
    calls += record.creates.length;
    orders += created;
    const allowed = 1 + (tally.resubmits.get(id) ?? 0);
    if (record.creates.length > allowed || created > allowed) {
      violations.I1.push(
        `${id}: ${record.creates.length} create calls, ${created} orders, ${allowed} allowed`,
      );
    }
    const ending = await endingOf(stack, id);
    outcomes[ending.kind] = (outcomes[ending.kind] ?? 0) + 1;
    if (ending.kind === 'NEEDS_REVIEW') continue;
    const result = ending.result;
    if (result === undefined) {
      violations.I2.push(`${id}: ${ending.kind}`);
      continue;
    }
    const truth = truthOf(stack.sandbox, id);
    const wrong =
      (result.status === 'SUCCEEDED' && truth !== 'paid') ||
      (result.status === 'FAILED' && truth !== 'not-paid' && truth !== 'no-order') ||
      (result.status === 'REJECTED' && created > 0);
    if (wrong)
      violations.I3.push(`${id}: ${result.status}, the gateway says ${truth} (${created} orders)`);
    if (result.status !== 'SUCCEEDED') {
      // On its own (not an operator), only a verified answer may end it not paid.
      if (result.resolvedBy.by !== 'operator' && truth === 'pending') {
        violations.I4.push(`${id}: ${result.status} while the gateway's order is still open`);
      }
      if (
        result.status === 'REJECTED' &&
        !record.creates.some((c) => /^00(12|18)$/.test(c.outcome))
      ) {
        violations.I4.push(`${id}: REJECTED without a create the gateway rejected`);
      }
    }
  }
  for (const wrong of tally.wrongAccepted) violations.I3.push(`operator: ${wrong}`);
  return { violations, outcomes, creates: { calls, orders, payouts: requests.length } };
}

type Ending = { kind: string; result?: PayoutResult };

/** How a payout's latest run stands. */
async function endingOf(stack: SoakStack, merchantOrderId: string): Promise<Ending> {
  const handle = stack.client.workflow.getHandle(
    payoutWorkflowId(SOAK_MERCHANT.platformId, merchantOrderId),
  );
  try {
    const d = await handle.describe();
    if (d.status.name === 'COMPLETED') {
      const result = (await handle.result()) as PayoutResult;
      return { kind: result.status, result };
    }
    if (d.status.name !== 'RUNNING') return { kind: `closed ${d.status.name} without a result` };
    const status = d.typedSearchAttributes.get(PayoutStatusKey);
    return {
      kind: status === 'NEEDS_REVIEW' ? 'NEEDS_REVIEW' : `running ${status ?? '?'}, not final`,
    };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'no workflow' };
    return { kind: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Small helpers of the e2e tests: waiting in real time, evidence, sandbox records, visibility. */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import type { PayoutResult, PayoutStatus, PayoutStatusView } from '../../workflows/api.js';
import type { PayoutPolicyInput } from '../../workflows/policy.js';
import type { PayoutRequest } from '../../vocabulary/payout-request.js';
import type { EvidenceEntry, EvidenceLog } from '../../workflows/state.js';
import type { E2e } from './harness.js';

/**
 * Calls `probe` every `intervalMs` until it returns something other than `undefined`, and
 * returns that. Errors thrown by `probe` count as "not yet" (a workflow whose first task has not
 * run cannot answer a query); after `timeoutMs` the last one is reported.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= until) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls the status query until the payout is in `status`; returns that view. */
export async function waitForStatus(
  e2e: E2e,
  merchantOrderId: string,
  status: PayoutStatus,
  timeoutMs = 20_000,
): Promise<PayoutStatusView> {
  let seen: PayoutStatus | undefined;
  try {
    return await eventually(
      `${merchantOrderId} to be ${status}`,
      async () => {
        const view = await e2e.payouts.getPayout(merchantOrderId);
        seen = view.status;
        return view.status === status ? view : undefined;
      },
      { timeoutMs },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last seen: ${seen ?? 'nothing'})`);
  }
}

/** The evidence entries of one kind, typed. */
export function entriesOf<K extends EvidenceEntry['kind']>(
  log: EvidenceLog,
  kind: K,
): Extract<EvidenceEntry, { kind: K }>[] {
  return log.entries.filter((e): e is Extract<EvidenceEntry, { kind: K }> => e.kind === kind);
}

/**
 * The creates that went out (or may have): a pre-check that got no answer in time (a loaded
 * machine) records a create "not sent" and tries again, which is the product working.
 */
export function sentCreates(log: EvidenceLog): Extract<EvidenceEntry, { kind: 'create' }>[] {
  return entriesOf(log, 'create').filter(
    (e) => !(e.outcome.kind === 'not-sent' && e.outcome.reason === 'precheck-unanswered'),
  );
}

/** The evidence of a payout, final ones too (the result does not repeat it). */
export async function evidenceOf(e2e: E2e, merchantOrderId: string): Promise<EvidenceLog> {
  return (await e2e.payouts.getPayout(merchantOrderId)).evidence;
}

/** The status checks among the evidence (not the submit's pre-check). */
export function checksOf(log: EvidenceLog): Extract<EvidenceEntry, { kind: 'query' }>[] {
  return entriesOf(log, 'query').filter((e) => e.purpose === 'check');
}

/** How many create calls for the order the sandbox received, and how many created an order. */
export function createCounts(
  sandbox: SandboxGateway,
  merchantOrderId: string,
): { calls: number; created: number } {
  const { creates } = sandbox.record(merchantOrderId);
  return { calls: creates.length, created: creates.filter((c) => c.created).length };
}

/** Every workflow the visibility query finds (the dev server's visibility lags a little). */
export async function listWorkflows(
  client: Client,
  query: string,
): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query })) found.push(info);
  return found;
}

/**
 * All text a workflow history holds: every string, and every byte array (payload data, such as
 * activity inputs and results, signal arguments) decoded as UTF-8.
 */
export function historyText(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'object' && v !== null && !seen.has(v)) {
      seen.add(v);
      for (const inner of Object.values(v)) walk(inner);
    }
  };
  walk(value);
  return parts.join('\n');
}

/** A payout started from `prefix`, run to its end: its request, result and evidence. */
export async function runPayout(
  e2e: E2e,
  prefix: string,
  options: { policy?: PayoutPolicyInput; timeoutMs?: number } = {},
): Promise<{ request: PayoutRequest; result: PayoutResult; evidence: EvidenceLog }> {
  const request = e2e.request(prefix);
  await e2e.start(request, options.policy);
  const result = await e2e.payouts.waitForPayout(request.merchantOrderId, {
    timeoutMs: options.timeoutMs ?? 20_000,
  });
  return { request, result, evidence: await evidenceOf(e2e, request.merchantOrderId) };
}

/** A sandbox rule: orders whose id starts with `prefix` stay processing (until a test forces them). */
export function staysProcessing(prefix: string): RuleInput {
  return {
    name: 'stays processing',
    match: { payoutClIdPrefix: prefix },
    scenario: { finalize: { kind: 'never' } },
  };
}

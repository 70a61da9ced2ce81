/**
 * End to end: the gateway's callbacks through the real receiver into the workflow. A callback
 * makes a payout final sooner (always confirmed by a query); duplicates, bad signs, and late or
 * out-of-order callbacks change nothing.
 */
import { describe, it } from 'vitest';
import { PayoutNotFoundError } from '../../src/client/index.js';
import { createGatewayClient } from '../../src/gateway/client.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { CALLBACK_PATH, E2E_MERCHANT, useE2e } from './harness.js';
import {
  PAYOUT_DISPUTE_WORKFLOW_TYPE,
  disputeQuery,
  disputeWorkflowId,
  resolveDisputeUpdate,
} from '../../workflows/dispute.js';
import {
  createCounts,
  entriesOf,
  eventually,
  evidenceOf,
  checksOf,
  listWorkflows,
  runPayout,
} from './support.js';

/**
 * A check 30 s away: only a callback can make these payouts final within the test. The first
 * two queries fail (HTTP 503, retried by the activity), which keeps the confirming query
 * running while the next callback arrives.
 */
const CALLBACK_ONLY = { firstCheckDelay: '30s', maxCheckDelay: '30s' } as const;
const SLOW_FIRST_QUERY = { failFirst: 2, fault: 'http-503' } as const;

const RULES: RuleInput[] = [
  {
    name: 'callback twice, first queries fail',
    match: { payoutClIdPrefix: 'DUP-' },
    scenario: { callbacks: { copies: 2 }, queries: SLOW_FIRST_QUERY },
  },
  {
    name: 'processing callback after the final one, first queries fail',
    match: { payoutClIdPrefix: 'OOO-' },
    scenario: { callbacks: { processingAfterFinal: true }, queries: SLOW_FIRST_QUERY },
  },
  {
    name: 'callback 2 s after the order is final',
    match: { payoutClIdPrefix: 'LATE-' },
    scenario: { callbacks: { delayMs: 2_000 } },
  },
];

const e2e = useE2e({ name: 'callbacks', rules: RULES });
const WAIT = { timeoutMs: 20_000 };

/** The sandbox's 3 callback attempts for the order, once it has made them all. */
function everyAttempt(sandbox: SandboxGateway, merchantOrderId: string) {
  return eventually('every callback attempt', () => {
    const seen = sandbox.record(merchantOrderId).callbacks;
    return seen.length === 3 ? seen : undefined;
  });
}

describe.concurrent('callbacks', () => {
  it('a callback finalizes early, confirmed by a query', async ({ expect }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('EARLY-');
    const startedAt = Date.now();
    await e2e().start(request, CALLBACK_ONLY);
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 10_000 });
    const evidence = await evidenceOf(e2e(), request.merchantOrderId);
    const elapsed = Date.now() - startedAt;

    // The first check was 30 s away: the callback is what made it final, within seconds.
    expect(elapsed).toBeLessThan(8_000);
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      payoutId: sandbox.order(request.merchantOrderId)?.payoutId,
      gatewayState: 'success',
      resolvedBy: { by: 'callback-confirmed-by-query', afterEscalation: null },
    });
    const callbacks = entriesOf(evidence, 'callback');
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      note: 'new',
      notification: { payoutClId: request.merchantOrderId, state: 'success' },
    });
    // One query, after the callback, confirmed it.
    const queries = checksOf(evidence);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.seq).toBeGreaterThan(callbacks[0]?.seq ?? Infinity);
    expect(sandbox.record(request.merchantOrderId).callbacks[0]).toMatchObject({
      acknowledged: true,
      response: { httpStatus: 200 },
    });
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
  });

  it('a duplicate callback changes nothing', async ({ expect }) => {
    const { payouts, sandbox } = e2e();
    const { request, result, evidence } = await runPayout(e2e(), 'DUP-', { policy: CALLBACK_ONLY });

    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      resolvedBy: { by: 'callback-confirmed-by-query' },
    });
    const callbacks = entriesOf(evidence, 'callback');
    // The receiver answers the repeat 0000 without signalling again: it costs a count there.
    expect(callbacks.map((c) => c.note)).toEqual(['new']);
    expect((await payouts.getPayout(request.merchantOrderId)).callbacksReceived).toBe(1);
    // The duplicate started no query of its own: one query activity (with its retries).
    expect(checksOf(evidence)).toHaveLength(1);
    const deliveries = sandbox.record(request.merchantOrderId).callbacks;
    expect(deliveries.map((d) => [d.delivery, d.acknowledged])).toEqual([
      ['copy-1', true],
      ['copy-2', true],
    ]);
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
  });

  it('a callback with a bad sign is refused and never reaches the workflow', async ({ expect }) => {
    const { sandbox, receiverLog } = e2e();
    const { request, result, evidence } = await runPayout(e2e(), 'DEMO-BADCB-');
    // Every attempt (3) was refused, so the sandbox gave up.
    for (const d of await everyAttempt(sandbox, request.merchantOrderId)) {
      expect(d.acknowledged).toBe(false);
      expect(d.response).toMatchObject({ httpStatus: 401 });
      expect('body' in d.response && JSON.parse(d.response.body)).toMatchObject({
        error_code: 'SIGNATURE_INVALID',
      });
      expect(d.url.endsWith(CALLBACK_PATH)).toBe(true);
    }
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      gatewayState: 'success',
      resolvedBy: { by: 'query', afterEscalation: null },
    });
    expect(entriesOf(evidence, 'callback')).toEqual([]);
    expect(entriesOf(evidence, 'callback-invalid')).toEqual([]);
    expect(
      receiverLog.entries.filter(
        (e) => e.message === 'callback refused' && e.context['reason'] === 'bad-signature',
      ).length,
    ).toBeGreaterThanOrEqual(3);
    // What the receiver logged names the reason, never a credential.
    const logged = JSON.stringify(receiverLog.entries);
    expect(logged).not.toContain(E2E_MERCHANT.secret);
    expect(logged).not.toContain(E2E_MERCHANT.authToken);
  });

  it('a processing callback after the final one changes nothing', async ({ expect }) => {
    const { sandbox } = e2e();
    const { request, result, evidence } = await runPayout(e2e(), 'OOO-', { policy: CALLBACK_ONLY });

    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      gatewayState: 'success',
      resolvedBy: { by: 'callback-confirmed-by-query' },
    });
    const callbacks = entriesOf(evidence, 'callback');
    expect(callbacks.map((c) => [c.note, c.notification.state])).toEqual([
      ['new', 'success'],
      ['stale', 'processing'],
    ]);
    expect(entriesOf(evidence, 'escalation')).toEqual([]);
    expect(
      sandbox.record(request.merchantOrderId).callbacks.map((d) => [d.delivery, d.acknowledged]),
    ).toEqual([
      ['copy-1', true],
      ['processing-after-final', true],
    ]);
  });

  it('a callback after the payout ended is acknowledged and changes nothing', async ({
    expect,
  }) => {
    const { payouts, sandbox, receiverLog } = e2e();
    const request = e2e().request('LATE-');
    await e2e().start(request);
    const result = await payouts.waitForPayout(request.merchantOrderId, WAIT);
    // Polling made it final before the callback came.
    expect(result).toMatchObject({ status: 'SUCCEEDED', resolvedBy: { by: 'query' } });
    expect(sandbox.record(request.merchantOrderId).callbacks).toEqual([]);

    const [delivery] = await eventually('the late callback', () => {
      const seen = sandbox.record(request.merchantOrderId).callbacks;
      return seen.length > 0 ? seen : undefined;
    });
    // Answered 0000, so the gateway stops retrying; the finished payout is untouched.
    expect(delivery).toMatchObject({ acknowledged: true, attempt: 1 });
    expect(
      receiverLog.entries.some(
        (e) =>
          e.message === 'callback for a final payout acknowledged' &&
          e.context['merchantOrderId'] === request.merchantOrderId,
      ),
    ).toBe(true);
    expect(await payouts.waitForPayout(request.merchantOrderId)).toEqual(result);
    expect((await e2e().handle(request.merchantOrderId).describe()).status.name).toBe('COMPLETED');
  });

  it('a signed callback contradicting the final state opens a dispute listed with the stuck payouts', async ({
    expect,
  }) => {
    const { payouts, sandbox, receiverLog, client } = e2e();
    const request = e2e().request('DEMO-OK-');
    await e2e().start(request);
    const result = await payouts.waitForPayout(request.merchantOrderId, WAIT);
    expect(result.status).toBe('SUCCEEDED');
    // The gateway changes its mind after the payout is final.
    sandbox.forceStatus(request.merchantOrderId, 'failed');
    const dispute = client.workflow.getHandle(
      disputeWorkflowId(E2E_MERCHANT.platformId, request.merchantOrderId),
    );
    const view = await eventually('the dispute', () => dispute.query(disputeQuery));
    expect(view).toMatchObject({
      merchantOrderId: request.merchantOrderId,
      final: { status: 'SUCCEEDED', payoutId: result.payoutId },
      news: [{ source: 'callback', state: 'failed', payoutId: result.payoutId }],
      resolution: null,
    });
    expect(receiverLog.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'callback contradicts the final payout: dispute opened',
      }),
    );
    const listed = await eventually('the dispute listed as NEEDS_REVIEW', async () => {
      const found = await listWorkflows(
        client,
        `PayoutStatus = "NEEDS_REVIEW" AND MerchantOrderId = "${request.merchantOrderId}"`,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(listed.map((w) => w.type)).toEqual([PAYOUT_DISPUTE_WORKFLOW_TYPE]);
    // The payout's own result stays as it was; an operator resolves the dispute.
    expect(await payouts.waitForPayout(request.merchantOrderId)).toEqual(result);
    const resolved = await dispute.executeUpdate(resolveDisputeUpdate, {
      args: [{ operatorId: 'ops-alice', reason: 'gateway support: reversed, refund booked' }],
    });
    expect(resolved.resolution).toMatchObject({ operatorId: 'ops-alice' });
    expect((await dispute.describe()).status.name).toBe('COMPLETED');
  });

  it('a callback for an order no payout started is refused and starts nothing', async ({
    expect,
  }) => {
    const { payouts, sandbox, receiverLog, gatewayConfig } = e2e();
    // An order created at the gateway behind the orchestrator's back (same merchant, same notify_url).
    const request = e2e().request('STRAY-');
    const direct = createGatewayClient({ config: gatewayConfig });
    try {
      expect(await direct.submitPayout(request)).toMatchObject({ kind: 'accepted' });
    } finally {
      await direct.close();
    }
    for (const d of await everyAttempt(sandbox, request.merchantOrderId)) {
      expect(d.acknowledged).toBe(false);
      expect(d.response).toMatchObject({ httpStatus: 404 });
    }
    expect(
      receiverLog.entries.some(
        (e) =>
          e.message === 'callback for a payout we do not know' &&
          e.context['merchantOrderId'] === request.merchantOrderId,
      ),
    ).toBe(true);
    await expect(payouts.getPayout(request.merchantOrderId)).rejects.toBeInstanceOf(
      PayoutNotFoundError,
    );
  });
});

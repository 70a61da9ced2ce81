/**
 * End to end: starting payouts through the client library, against a real Temporal dev server,
 * worker, sandbox gateway and callback receiver. The happy path, idempotent starts, search
 * attributes, and what a workflow history must never hold.
 */
import { describe, it } from 'vitest';
import {
  PayoutConflictError,
  PayoutNotFoundError,
  ValidationError,
} from '../../src/client/index.js';
import {
  MerchantOrderIdKey,
  AmountCentsKey,
  PayoutStatusKey,
  PlatformIdKey,
} from '../../workflows/api.js';
import { decodePayloads, E2E_MERCHANT, useE2e } from './harness.js';
import {
  createCounts,
  eventually,
  historyText,
  listWorkflows,
  evidenceOf,
  checksOf,
  sentCreates,
} from './support.js';

const e2e = useE2e({ name: 'start' });

describe.concurrent('starting payouts', () => {
  it('happy path: SUCCEEDED, exactly one create, the payout_id the sandbox gave', async ({
    expect,
  }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('OK-');
    const started = await e2e().start(request);
    expect(started).toEqual({
      merchantOrderId: request.merchantOrderId,
      workflowId: `payout:${E2E_MERCHANT.platformId}:${request.merchantOrderId}`,
      created: true,
    });

    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });

    const evidence = await evidenceOf(e2e(), request.merchantOrderId);
    const order = sandbox.order(request.merchantOrderId);
    expect(order?.statusName).toBe('success');
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      merchantOrderId: request.merchantOrderId,
      platformId: E2E_MERCHANT.platformId,
      payoutId: order?.payoutId,
      gatewayState: 'success',
    });
    expect(result.resolvedBy).toMatchObject({ afterEscalation: null });
    expect(['query', 'callback-confirmed-by-query']).toContain(result.resolvedBy.by);
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    const submits = sentCreates(evidence);
    expect(submits).toHaveLength(1);
    expect(submits[0]).toMatchObject({
      origin: 'initial',
      outcome: { kind: 'accepted', payoutId: order?.payoutId },
    });
    expect(checksOf(evidence).at(-1)).toMatchObject({
      outcome: { kind: 'found', order: { state: 'success', payoutId: order?.payoutId } },
    });

    // The status query of the finished payout says the same.
    const view = await payouts.getPayout(request.merchantOrderId);
    expect(view).toMatchObject({ status: 'SUCCEEDED', payoutId: order?.payoutId, creates: 1 });
  });

  it('starting twice at once, and again after the end: one workflow, one create', async ({
    expect,
  }) => {
    const { payouts, sandbox, client } = e2e();
    const request = e2e().request('TWICE-');
    const both = await Promise.all([e2e().start(request), e2e().start(request)]);
    expect(both.map((s) => s.created).sort()).toEqual([false, true]);
    expect(new Set(both.map((s) => s.workflowId)).size).toBe(1);

    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });

    expect(result.status).toBe('SUCCEEDED');
    const again = await e2e().start(request);
    expect(again).toMatchObject({ created: false, workflowId: both[0]?.workflowId });

    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    // The finished payout was not run again: still the one result, one submit.
    expect(await payouts.waitForPayout(request.merchantOrderId)).toEqual(result);
    const runs = await eventually('the payout in visibility', async () => {
      const found = await listWorkflows(
        client,
        `MerchantOrderId = "${request.merchantOrderId}" AND ExecutionStatus = "Completed"`,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(runs).toHaveLength(1);
  });

  it('the same order id with another amount is a PayoutConflictError; nothing is sent', async ({
    expect,
  }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('CONFLICT-');
    await e2e().start(request);
    // While it runs ...
    const whileRunning = e2e().start({ ...request, amountCents: request.amountCents + 1 });
    await expect(whileRunning).rejects.toBeInstanceOf(PayoutConflictError);
    await expect(whileRunning).rejects.toMatchObject({
      code: 'ERR_PAYOUT_CONFLICT',
      fields: ['amountCents'],
      merchantOrderId: request.merchantOrderId,
    });
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
    // ... and after it ended.
    await expect(
      e2e().start({ ...request, amountCents: 1, recipientName: '李四' }),
    ).rejects.toMatchObject({ fields: ['amountCents', 'recipientName'] });

    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    expect(sandbox.order(request.merchantOrderId)?.amountCents).toBe(request.amountCents);
  });

  it('search attributes name the payout and keep PayoutStatus current', async ({ expect }) => {
    const { payouts, client } = e2e();
    const request = e2e().request('SA-', { amountCents: 12_345 });
    await e2e().start(request);
    await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });

    const [info] = await eventually('the finished payout listed as SUCCEEDED', async () => {
      const found = await listWorkflows(
        client,
        `MerchantOrderId = "${request.merchantOrderId}" AND PayoutStatus = "SUCCEEDED"`,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(info?.status.name).toBe('COMPLETED');
    expect(info?.typedSearchAttributes.get(PayoutStatusKey)).toBe('SUCCEEDED');
    expect(info?.typedSearchAttributes.get(MerchantOrderIdKey)).toBe(request.merchantOrderId);
    expect(info?.typedSearchAttributes.get(PlatformIdKey)).toBe(E2E_MERCHANT.platformId);
    expect(info?.typedSearchAttributes.get(AmountCentsKey)).toBe(12_345);
    // The Web UI's summary: amount in yuan, the account masked.
    const described = await e2e().handle(request.merchantOrderId).describe();
    expect(await described.staticSummary()).toBe(
      `Payout ${request.merchantOrderId} · 123.45 CNY · ${E2E_MERCHANT.platformId} · 中国农业银行 6228****0018`,
    );
    // No static details: the summary says it once, and the current details the rest.
    expect(await described.staticDetails()).toBeUndefined();
    // It is no longer listed under the status it started with.
    expect(
      await listWorkflows(
        client,
        `MerchantOrderId = "${request.merchantOrderId}" AND PayoutStatus = "SUBMITTING"`,
      ),
    ).toEqual([]);
  });

  it('no workflow history holds the signing secret or the query token', async ({ expect }) => {
    const { payouts, sandbox } = e2e();
    // One made final by its callback (so the callback signal is in the history), and one whose
    // create answer was HTTP 500.
    const byCallback = e2e().request('HIST-CB-');
    const unknown = e2e().request('DEMO-5XX-');
    await Promise.all([
      e2e().start(byCallback, { firstCheckDelay: '30s', maxCheckDelay: '30s' }),
      e2e().start(unknown),
    ]);
    for (const request of [byCallback, unknown]) {
      const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
      expect(result.status).toBe('SUCCEEDED');
      const history = await e2e().handle(request.merchantOrderId).fetchHistory();
      const text = historyText(await decodePayloads(history, e2e().codec));
      // The decoded history (as the Web UI shows it through the codec server) does hold the payout's own data (so the search below can fail) ...
      expect(text).toContain(request.merchantOrderId);
      expect(text).toContain(request.accountNumber);
      expect(text).toContain(sandbox.order(request.merchantOrderId)?.payoutId);
      // ... but no credential.
      expect(text).not.toContain(E2E_MERCHANT.secret);
      expect(text).not.toContain(E2E_MERCHANT.authToken);
    }
    const signalled = historyText(await e2e().handle(byCallback.merchantOrderId).fetchHistory());
    expect(signalled).toContain('payoutCallback');
  });

  it('invalid input starts nothing; an unknown order is PayoutNotFoundError', async ({
    expect,
  }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('BAD-', { accountNumber: '6228 4804' });
    const start = e2e().start(request);
    await expect(start).rejects.toBeInstanceOf(ValidationError);
    await expect(start).rejects.toMatchObject({
      issues: [{ field: 'accountNumber', rule: expect.any(String) as string }],
    });
    await expect(payouts.getPayout(request.merchantOrderId)).rejects.toBeInstanceOf(
      PayoutNotFoundError,
    );
    await expect(
      payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 2_000 }),
    ).rejects.toMatchObject({ code: 'ERR_PAYOUT_NOT_FOUND' });
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 0, created: 0 });
  });
});

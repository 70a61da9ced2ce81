/**
 * The gateway client against the sandbox gateway over real HTTP on loopback: one round trip in
 * every sign mode and query form, then every scenario gives the outcome the client promises.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gatewayCallDeadlineMs } from '../../src/gateway/config.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { DEMO_RULE_INPUTS } from '../../src/sandbox/demo-rules.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { MERCHANT, clientConfig, sandboxFixture, waitFor } from '../support/sandbox.js';

function payout(merchantOrderId: string, amountCents = 50_000): PayoutRequest {
  return {
    merchantOrderId,
    amountCents,
    bankName: '中国农业银行',
    recipientName: '张三',
    accountNumber: '6228480402564890018',
  };
}

const MATRIX = (['md5', 'md5-key', 'hmac-sha256'] as const).flatMap((signMode) =>
  (['list', 'single'] as const).map((queryForm) => ({ signMode, queryForm })),
);

describe('client against the sandbox: a round trip in each sign mode and query form', () => {
  const sandbox = sandboxFixture();

  it.each(MATRIX)('$signMode, $queryForm form', async ({ signMode, queryForm }) => {
    const receiver = await sandbox.receiver();
    const gw = await sandbox.start({
      merchant: { ...MERCHANT, signMode },
      callbacks: { attempts: 3, intervalMs: 10, timeoutMs: 1000 },
    });
    const client = sandbox.client(gw, {
      GATEWAY_QUERY_FORM: queryForm,
      GATEWAY_NOTIFY_URL: receiver.url,
    });
    const query = (clId: string) =>
      client.queryPayout({ merchantOrderId: clId, amountCents: 50_000 });

    // The sandbox verified our sign and created exactly one order.
    const outcome = await client.submitPayout(payout('RT-1'));
    expect(outcome).toEqual({ kind: 'accepted', payoutId: gw.order('RT-1')?.payoutId });
    const { creates } = gw.record('RT-1');
    expect(creates).toHaveLength(1);
    const sent = JSON.parse(creates[0]?.bodyText ?? '{}') as Record<string, unknown>;
    expect(sent['payout_cl_id']).toBe('RT-1');
    expect(sent['sign_type']).toBe(signMode === 'hmac-sha256' ? 'HMAC-SHA256' : undefined);

    // Its signed answers, as the order moves from scheduled to success.
    const states = [];
    for (let i = 0; i < 4; i++) {
      const found = await query('RT-1');
      if (found.kind !== 'found') throw new Error(`expected found, got ${JSON.stringify(found)}`);
      states.push(found.order.state);
    }
    expect(states).toEqual(['scheduled', 'pending', 'processing', 'success']);
    expect(await query('RT-1')).toMatchObject({
      kind: 'found',
      order: {
        payoutId: gw.order('RT-1')?.payoutId,
        payoutClId: 'RT-1',
        platformId: 'PF0002',
        statusCode: 3,
        amountCents: 50_000,
      },
    });
    expect(await query('NEVER-1')).toEqual({ kind: 'not-found' });

    // The signed callback of the final state.
    const [callback] = await waitFor(() =>
      receiver.received.length > 0 ? receiver.received : undefined,
    );
    expect(client.verifyCallback(callback?.text ?? '')).toMatchObject({
      ok: true,
      notification: { state: 'success', payoutClId: 'RT-1' },
    });
  });

  it.each(['list', 'single'] as const)(
    'unavailable with code 0006 for a wrong token (%s form)',
    async (queryForm) => {
      const gw = await sandbox.start();
      const wrong = sandbox.client(gw, {
        GATEWAY_QUERY_FORM: queryForm,
        GATEWAY_AUTH_TOKEN: 'nope',
      });
      expect(
        await wrong.queryPayout({ merchantOrderId: 'DEMO-OK-1', amountCents: 50_000 }),
      ).toMatchObject({
        kind: 'unavailable',
        reason: 'gateway-error',
        code: '0006',
      });
    },
  );
});

describe('client against the sandbox: every scenario', () => {
  const sandbox = sandboxFixture({ per: 'file' });
  let gw: SandboxGateway;
  let receiver: Awaited<ReturnType<typeof sandbox.receiver>>;
  let client: ReturnType<typeof sandbox.client>;
  const id = (prefix: string, n = 1) => `${prefix}${n}`;
  const query = (clId: string, amountCents = 50_000) =>
    client.queryPayout({ merchantOrderId: clId, amountCents });

  beforeAll(async () => {
    receiver = await sandbox.receiver();
    gw = await sandbox.start({
      // Demo rules, plus one this test needs that the demo set has no prefix for.
      rules: [
        {
          name: 'final after two queries',
          match: { payoutClIdPrefix: 'AQ2-' },
          scenario: { outcome: 'failed', finalize: { kind: 'after-queries', queries: 2 } },
        },
        ...DEMO_RULE_INPUTS,
      ],
      callbacks: { attempts: 3, intervalMs: 10, timeoutMs: 1000 },
    });
    client = sandbox.client(gw, { GATEWAY_NOTIFY_URL: receiver.url });
  });

  it('found failed: after-queries finalization, with the failure memo', async () => {
    const clId = id('AQ2-');
    await client.submitPayout(payout(clId));
    expect((await query(clId)).kind).toBe('found');
    await query(clId);
    expect(await query(clId)).toMatchObject({
      kind: 'found',
      order: { state: 'failed', memo: 'Recipient account is invalid' },
    });
  });

  it.each([
    ['DEMO-5XX-', 'http-status'],
    ['DEMO-EMPTY-', 'empty-body'],
    ['DEMO-GARBAGE-', 'invalid-json'],
    ['DEMO-RESET-', 'connection'],
  ])('%s: unknown (%s), and the order does exist', async (prefix, reason) => {
    const clId = id(prefix);
    const outcome = await client.submitPayout(payout(clId));
    expect(outcome).toMatchObject({ kind: 'unknown', reason });
    expect(await query(clId)).toMatchObject({ kind: 'found', order: { payoutClId: clId } });
  });

  it.each([
    ['DEMO-REJECT-', '0012'],
    ['DEMO-BALANCE-', '0018'],
  ])('%s: rejected %s, confirmed by a query that finds nothing', async (prefix, code) => {
    const clId = id(prefix);
    expect(await client.submitPayout(payout(clId))).toMatchObject({ kind: 'rejected', code });
    expect(await query(clId)).toEqual({ kind: 'not-found' });
  });

  it('rejected 0004 when our secret is wrong; nothing created', async () => {
    const wrong = sandbox.client(gw, { GATEWAY_SECRET: 'WrongSecret' });
    const clId = id('DEMO-OK-', 3);
    expect(await wrong.submitPayout(payout(clId))).toMatchObject({
      kind: 'rejected',
      code: '0004',
    });
    expect(gw.order(clId)).toBeUndefined();
  });

  it('a second submit of the same id is unknown (duplicate code), still one order', async () => {
    const clId = id('DEMO-OK-', 4);
    expect((await client.submitPayout(payout(clId))).kind).toBe('accepted');
    expect(await client.submitPayout(payout(clId))).toMatchObject({
      kind: 'unknown',
      reason: 'unknown-error-code',
    });
    expect(gw.record(clId).creates.filter((c) => c.created)).toHaveLength(1);
  });

  it('bad-signature when query items carry a bad sign', async () => {
    const clId = id('DEMO-BADSIGN-');
    await client.submitPayout(payout(clId));
    expect(await query(clId)).toMatchObject({ kind: 'bad-signature' });
  });

  it('mismatch when the reported amount differs from ours', async () => {
    const clId = id('DEMO-MISMATCH-');
    await client.submitPayout(payout(clId));
    expect(await query(clId)).toEqual({
      kind: 'mismatch',
      field: 'amount',
      expected: '50000',
      actual: '50001',
      order: expect.objectContaining({ amountCents: 50_001, payoutClId: clId }) as unknown,
    });
    const ok = id('DEMO-OK-', 5);
    await client.submitPayout(payout(ok));
    expect(await query(ok, 49_999)).toMatchObject({ kind: 'mismatch', field: 'amount' });
  });

  it('unavailable while queries fail, found after', async () => {
    const clId = id('DEMO-FLAKY-');
    await client.submitPayout(payout(clId));
    expect(await query(clId)).toMatchObject({ kind: 'unavailable', reason: 'http-status' });
    expect(await query(clId)).toMatchObject({ kind: 'unavailable', reason: 'http-status' });
    expect(await query(clId)).toMatchObject({ kind: 'found' });
  });

  it('a status regression is reported as seen: success, then processing', async () => {
    const clId = id('DEMO-REGRESS-');
    await client.submitPayout(payout(clId));
    const states = [];
    for (let i = 0; i < 6; i++) {
      const outcome = await query(clId);
      states.push(outcome.kind === 'found' ? outcome.order.state : outcome.kind);
    }
    expect(states).toEqual([
      'scheduled',
      'pending',
      'processing',
      'success',
      'processing',
      'success',
    ]);
  });

  it('verifies the callbacks the sandbox sends: success, failure, out of order, bad sign', async () => {
    const ok = id('DEMO-OK-', 6);
    const fail = id('DEMO-FAIL-');
    const ooo = id('DEMO-OOO-');
    const bad = id('DEMO-BADCB-');
    for (const clId of [ok, fail, ooo, bad]) {
      expect((await client.submitPayout(payout(clId))).kind).toBe('accepted');
      for (let i = 0; i < 4; i++) await query(clId);
    }
    const verdicts = await waitFor(() => {
      const byId = (clId: string) =>
        receiver.received
          .filter((r) => r.body['payout_cl_id'] === clId)
          .map((r) => client.verifyCallback(r.text));
      const all = { ok: byId(ok), fail: byId(fail), ooo: byId(ooo), bad: byId(bad) };
      return all.ok.length && all.fail.length && all.ooo.length >= 2 && all.bad.length >= 1
        ? all
        : undefined;
    });
    expect(verdicts.ok).toMatchObject([
      { ok: true, notification: { state: 'success', payoutClId: ok } },
    ]);
    expect(verdicts.fail).toMatchObject([
      { ok: true, notification: { state: 'failed', errorMessage: 'Recipient account is invalid' } },
    ]);
    expect(verdicts.ooo).toMatchObject([
      { ok: true, notification: { state: 'success' } },
      { ok: true, notification: { state: 'processing' } },
    ]);
    // The receiver acknowledged it, but a client must refuse it: and the sandbox retries only
    // when told no, so here the one delivery is enough to see the refusal.
    expect(verdicts.bad[0]).toMatchObject({ ok: false, error: { code: 'bad-signature' } });
  });

  it('sends amount and request_time as JSON numbers when configured so', async () => {
    const numeric = sandbox.client(gw, {
      GATEWAY_AMOUNT_FORMAT: 'number',
      GATEWAY_REQUEST_TIME_FORMAT: 'number',
    });
    expect((await numeric.submitPayout(payout('NUM-1', 12_345))).kind).toBe('accepted');
    expect(JSON.parse(gw.record('NUM-1').creates[0]?.bodyText ?? '{}')).toMatchObject({
      amount: 12_345,
    });
    expect(
      await numeric.queryPayout({ merchantOrderId: 'NUM-1', amountCents: 12_345 }),
    ).toMatchObject({
      kind: 'found',
      order: { amountCents: 12_345, state: 'scheduled' },
    });
  });
});

describe('client against a hanging sandbox', () => {
  const sandbox = sandboxFixture();
  const start = () =>
    sandbox.start({
      rules: [
        {
          match: { payoutClIdPrefix: 'QHANG-' },
          scenario: { queries: { failFirst: 1000, fault: 'hang' } },
        },
        ...DEMO_RULE_INPUTS,
      ],
    });

  async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = Date.now();
    const value = await run();
    return { value, ms: Date.now() - started };
  }

  it.each(['DEMO-TIMEOUT-1', 'DEMO-LOST-1'])(
    '%s: submit is unknown/timeout within the configured time',
    async (clId) => {
      const gw = await start();
      const config = clientConfig(gw);
      const client = sandbox.client(gw);
      const { value, ms } = await timed(() => client.submitPayout(payout(clId)));
      expect(value).toMatchObject({ kind: 'unknown', reason: 'timeout' });
      expect(ms).toBeLessThanOrEqual(gatewayCallDeadlineMs(config) + 250);
      expect(gw.order(clId) !== undefined).toBe(clId.startsWith('DEMO-TIMEOUT-'));
    },
  );

  it.each(['list', 'single'] as const)(
    'a hanging query (%s form) is unavailable/timeout within the configured time',
    async (queryForm) => {
      const gw = await start();
      const config = clientConfig(gw, { GATEWAY_QUERY_FORM: queryForm });
      const client = sandbox.client(gw, { GATEWAY_QUERY_FORM: queryForm });
      const clId = `QHANG-${queryForm}`;
      expect((await client.submitPayout(payout(clId))).kind).toBe('accepted');
      const { value, ms } = await timed(() =>
        client.queryPayout({ merchantOrderId: clId, amountCents: 50_000 }),
      );
      expect(value).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
      expect(ms).toBeLessThanOrEqual(gatewayCallDeadlineMs(config) + 250);
    },
  );
});

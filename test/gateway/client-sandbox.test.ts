/**
 * The gateway client against the sandbox gateway over real HTTP on loopback: every scenario gives
 * the outcome the client promises, in every sign mode and both query forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type GatewayClient } from '../../src/gateway/client.js';
import {
  gatewayCallDeadlineMs,
  parseGatewayConfig,
  type GatewayConfig,
} from '../../src/gateway/config.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { DEMO_RULE_INPUTS } from '../../src/sandbox/demo-rules.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { CallbackReceiver, waitFor } from '../sandbox/support.js';

const SECRET = 'ThisIsYourSecretKey123';
const TOKEN = 'client-sandbox-token';

function payout(merchantOrderId: string, amountCents = 50_000): PayoutRequest {
  return {
    merchantOrderId,
    amountCents,
    bankName: '中国农业银行',
    recipientName: '张三',
    accountNumber: '6228480402564890018',
  };
}

function clientConfig(
  gw: SandboxGateway,
  signMode: SignMode,
  queryForm: 'list' | 'single',
  extra: Record<string, string> = {},
): GatewayConfig {
  return parseGatewayConfig({
    GATEWAY_BASE_URL: gw.url,
    GATEWAY_PLATFORM_ID: 'PF0002',
    GATEWAY_SECRET: SECRET,
    GATEWAY_AUTH_TOKEN: TOKEN,
    GATEWAY_SIGN_MODE: signMode,
    GATEWAY_QUERY_FORM: queryForm,
    GATEWAY_CONNECT_TIMEOUT_MS: '300',
    GATEWAY_HEADERS_TIMEOUT_MS: '300',
    GATEWAY_BODY_TIMEOUT_MS: '300',
    GATEWAY_ALLOW_HTTP: 'true',
    ...extra,
  });
}

const MATRIX = (['md5', 'md5-key', 'hmac-sha256'] as const).flatMap((signMode) =>
  (['list', 'single'] as const).map((queryForm) => ({ signMode, queryForm })),
);

describe.each(MATRIX)(
  'client against the sandbox ($signMode, $queryForm form)',
  ({ signMode, queryForm }) => {
    let gw: SandboxGateway;
    let receiver: CallbackReceiver;
    let client: GatewayClient;
    let config: GatewayConfig;
    // Ids are unique per combination so one sandbox serves the whole block.
    const id = (prefix: string, n = 1) => `${prefix}${signMode.replace('-', '')}${queryForm}${n}`;

    beforeAll(async () => {
      receiver = await new CallbackReceiver().start();
      gw = await startSandboxGateway({
        merchants: [{ platformId: 'PF0002', secret: SECRET, authToken: TOKEN, signMode }],
        // Demo rules, plus two this test needs that the demo set has no prefix for.
        rules: [
          {
            name: 'final after two queries',
            match: { payoutClIdPrefix: 'AQ2-' },
            scenario: { outcome: 'failed', finalize: { kind: 'after-queries', queries: 2 } },
          },
          {
            name: 'query hangs once',
            match: { payoutClIdPrefix: 'QHANG-' },
            scenario: { queries: { failFirst: 1, fault: 'hang' } },
          },
          ...DEMO_RULE_INPUTS,
        ],
        schedule: { mode: 'on-query' },
        callbacks: { attempts: 3, intervalMs: 10, timeoutMs: 1000 },
      });
      config = clientConfig(gw, signMode, queryForm, { GATEWAY_NOTIFY_URL: receiver.url });
      client = createGatewayClient({ config });
    });
    afterAll(async () => {
      await client.close();
      await gw.close();
      await receiver.close();
    });

    const query = (clId: string, amountCents = 50_000) =>
      client.queryPayout({ merchantOrderId: clId, amountCents });

    it('accepted: the sandbox verified our sign and created exactly one order', async () => {
      const clId = id('DEMO-OK-');
      const outcome = await client.submitPayout(payout(clId));
      expect(outcome).toEqual({ kind: 'accepted', payoutId: gw.order(clId)?.payoutId });
      const record = gw.record(clId);
      expect(record.creates).toHaveLength(1);
      const sent = JSON.parse(record.creates[0]?.bodyText ?? '{}') as Record<string, unknown>;
      expect(sent['payout_cl_id']).toBe(clId);
      expect(sent['sign_type']).toBe(signMode === 'hmac-sha256' ? 'HMAC-SHA256' : undefined);
    });

    it('found: the order as it moves, scheduled to success', async () => {
      const clId = id('DEMO-OK-', 2);
      await client.submitPayout(payout(clId));
      const states = [];
      for (let i = 0; i < 4; i++) {
        const outcome = await query(clId);
        if (outcome.kind !== 'found')
          throw new Error(`expected found, got ${JSON.stringify(outcome)}`);
        states.push(outcome.order.state);
      }
      expect(states).toEqual(['scheduled', 'pending', 'processing', 'success']);
      const last = await query(clId);
      expect(last).toMatchObject({
        kind: 'found',
        order: {
          payoutId: gw.order(clId)?.payoutId,
          payoutClId: clId,
          platformId: 'PF0002',
          statusCode: 3,
          amountCents: 50_000,
        },
      });
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
      const wrong = createGatewayClient({
        config: clientConfig(gw, signMode, queryForm, { GATEWAY_SECRET: 'WrongSecret' }),
      });
      try {
        const clId = id('DEMO-OK-', 3);
        expect(await wrong.submitPayout(payout(clId))).toMatchObject({
          kind: 'rejected',
          code: '0004',
        });
        expect(gw.order(clId)).toBeUndefined();
      } finally {
        await wrong.close();
      }
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

    it('not-found for an order the sandbox never saw', async () => {
      expect(await query(id('NEVER-'))).toEqual({ kind: 'not-found' });
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

    it('unavailable with code 0006 for a wrong token', async () => {
      const wrong = createGatewayClient({
        config: clientConfig(gw, signMode, queryForm, { GATEWAY_AUTH_TOKEN: 'nope' }),
      });
      try {
        expect(
          await wrong.queryPayout({ merchantOrderId: id('DEMO-OK-'), amountCents: 50_000 }),
        ).toMatchObject({
          kind: 'unavailable',
          reason: 'gateway-error',
          code: '0006',
        });
      } finally {
        await wrong.close();
      }
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
        {
          ok: true,
          notification: { state: 'failed', errorMessage: 'Recipient account is invalid' },
        },
      ]);
      expect(verdicts.ooo).toMatchObject([
        { ok: true, notification: { state: 'success' } },
        { ok: true, notification: { state: 'processing' } },
      ]);
      // The receiver acknowledged it, but a client must refuse it: and the sandbox retries only
      // when told no, so here the one delivery is enough to see the refusal.
      expect(verdicts.bad[0]).toMatchObject({ ok: false, error: { code: 'bad-signature' } });
    });
  },
);

describe('client against a hanging sandbox', () => {
  let gw: SandboxGateway;
  beforeAll(async () => {
    gw = await startSandboxGateway({
      merchants: [{ platformId: 'PF0002', secret: SECRET, authToken: TOKEN, signMode: 'md5' }],
      rules: [
        {
          match: { payoutClIdPrefix: 'QHANG-' },
          scenario: { queries: { failFirst: 1000, fault: 'hang' } },
        },
        ...DEMO_RULE_INPUTS,
      ],
      schedule: { mode: 'on-query' },
    });
  });
  afterAll(() => gw.close());

  async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = Date.now();
    const value = await run();
    return { value, ms: Date.now() - started };
  }

  it.each(['DEMO-TIMEOUT-1', 'DEMO-LOST-1'])(
    '%s: submit is unknown/timeout within the configured time',
    async (clId) => {
      const config = clientConfig(gw, 'md5', 'list');
      const client = createGatewayClient({ config });
      try {
        const { value, ms } = await timed(() => client.submitPayout(payout(clId)));
        expect(value).toMatchObject({ kind: 'unknown', reason: 'timeout' });
        expect(ms).toBeLessThanOrEqual(gatewayCallDeadlineMs(config) + 250);
        expect(gw.order(clId) !== undefined).toBe(clId.startsWith('DEMO-TIMEOUT-'));
      } finally {
        await client.close();
      }
    },
  );

  it.each(['list', 'single'] as const)(
    'a hanging query (%s form) is unavailable/timeout within the configured time',
    async (queryForm) => {
      const config = clientConfig(gw, 'md5', queryForm);
      const client = createGatewayClient({ config });
      try {
        const clId = `QHANG-${queryForm}`;
        expect((await client.submitPayout(payout(clId))).kind).toBe('accepted');
        const { value, ms } = await timed(() =>
          client.queryPayout({ merchantOrderId: clId, amountCents: 50_000 }),
        );
        expect(value).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
        expect(ms).toBeLessThanOrEqual(gatewayCallDeadlineMs(config) + 250);
      } finally {
        await client.close();
      }
    },
  );
});

describe('client against a sandbox that sends numbers as strings', () => {
  it('signs and reads string amounts both ways', async () => {
    const gw = await startSandboxGateway({
      merchants: [{ platformId: 'PF0002', secret: SECRET, authToken: TOKEN, signMode: 'md5-key' }],
      rules: [],
      schedule: { mode: 'on-query' },
      numbers: 'string',
    });
    const client = createGatewayClient({
      config: clientConfig(gw, 'md5-key', 'list', {
        GATEWAY_AMOUNT_FORMAT: 'number',
        GATEWAY_REQUEST_TIME_FORMAT: 'number',
      }),
    });
    try {
      expect((await client.submitPayout(payout('STR-1', 12_345))).kind).toBe('accepted');
      expect(JSON.parse(gw.record('STR-1').creates[0]?.bodyText ?? '{}')).toMatchObject({
        amount: 12_345,
      });
      expect(
        await client.queryPayout({ merchantOrderId: 'STR-1', amountCents: 12_345 }),
      ).toMatchObject({
        kind: 'found',
        order: { amountCents: 12_345, state: 'scheduled' },
      });
    } finally {
      await client.close();
      await gw.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { verifySign, type WireValue } from '../../src/gateway/sign.js';
import type { SandboxOptions } from '../../src/sandbox/options.js';
import type { RuleInput, ScenarioInput } from '../../src/sandbox/scenario.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { ManualClock } from '../support/manual-clock.js';
import { MERCHANT, createFields, sandboxFixture, signedBody, waitFor } from '../support/sandbox.js';

const sandbox = sandboxFixture();
const { http, create } = sandbox;

/** A sandbox where every order follows `scenario` (on-query schedule unless told otherwise). */
const withScenario = (scenario: ScenarioInput, options: SandboxOptions = {}) =>
  sandbox.start({ rules: [{ scenario }], ...options });

const createUrl = (gw: SandboxGateway) => `${gw.url}/gateway/api/v2/payouts`;
const queryUrl = (gw: SandboxGateway, clId: string) => `${createUrl(gw)}?payout_cl_id=${clId}`;

async function query(gw: SandboxGateway, clId: string) {
  const res = await sandbox.list(gw, `?payout_cl_id=${clId}`);
  const item = (res.json?.['data'] as Array<Record<string, WireValue>> | undefined)?.[0];
  return { res, item, status: item?.['status'] };
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

describe('create scenarios', () => {
  it.each([
    ['http-500', 500],
    ['http-502', 502],
    ['http-503', 503],
  ] as const)('%s: creates the order, then answers HTTP %i', async (fault, status) => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault } });
    const res = await create(gw, 'F-1');
    expect(res.status).toBe(status);
    expect(res.json).toBeUndefined();
    expect(gw.order('F-1')).toBeDefined();
    expect(gw.record('F-1').creates).toMatchObject([{ created: true, outcome: fault }]);
  });

  it('empty-body: creates the order, then answers 200 with nothing', async () => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault: 'empty-body' } });
    const res = await create(gw, 'F-E');
    expect([res.status, res.text]).toEqual([200, '']);
    expect(gw.order('F-E')).toBeDefined();
  });

  it('garbage-body: creates the order, then answers 200 with cut-off JSON', async () => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault: 'garbage-body' } });
    const res = await create(gw, 'F-G');
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text) as unknown).toThrow();
    expect(gw.order('F-G')).toBeDefined();
  });

  it('reset: creates the order, then resets the connection', async () => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault: 'reset' } });
    const error = await http
      .post(createUrl(gw), signedBody(createFields('F-R')))
      .catch((e: unknown) => e);
    expect(errorCode(error)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(gw.order('F-R')).toBeDefined();
  });

  it('hang: creates the order and answers nothing until the client gives up', async () => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault: 'hang' } });
    const started = Date.now();
    const error = await http
      .post(createUrl(gw), signedBody(createFields('F-H')), 200)
      .catch((e: unknown) => e);
    expect(errorCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(gw.order('F-H')).toBeDefined();
  });

  it('close() ends a request the sandbox is holding open', async () => {
    const gw = await withScenario({ create: { kind: 'accept-then-fault', fault: 'hang' } });
    const pending = http
      .post(createUrl(gw), signedBody(createFields('F-C')), 10_000)
      .catch((e: unknown) => e);
    // Wait until the order exists, i.e. the sandbox holds the request.
    for (let i = 0; i < 100 && !gw.order('F-C'); i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await gw.close();
    const error = await pending;
    expect(errorCode(error)).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each(['0004', '0012', '0018'] as const)(
    'reject %s: answers the code and creates nothing',
    async (code) => {
      const gw = await withScenario({ create: { kind: 'reject', code } });
      const res = await create(gw, 'REJ');
      expect(res.json?.['error_code']).toBe(code);
      expect(typeof res.json?.['error_msg']).toBe('string');
      expect(gw.orders()).toEqual([]);
      expect((await query(gw, 'REJ')).res.json?.['total']).toBe(0);
    },
  );

  it.each(['0004', '0012', '0018'] as const)(
    'reject-after-create %s: answers the rejection, yet the order exists and runs its course',
    async (code) => {
      const clock = new ManualClock();
      const receiver = await sandbox.receiver();
      const gw = await withScenario(
        { create: { kind: 'reject-after-create', code } },
        {
          clock,
          schedule: { mode: 'timed' }, // pending at 1 s, processing at 2 s, final at 3 s
          callbacks: { attempts: 1, intervalMs: 0, timeoutMs: 1000 },
        },
      );
      const res = await create(gw, 'GHOST', { notify_url: receiver.url });
      expect(res.json?.['error_code']).toBe(code);
      expect(typeof res.json?.['error_msg']).toBe('string');
      expect(res.json?.['data']).toBeUndefined();
      // The query that confirms the rejection finds the order instead.
      const found = await query(gw, 'GHOST');
      expect(found.res.json?.['total']).toBe(1);
      expect(found.item).toMatchObject({
        payout_cl_id: 'GHOST',
        payout_id: gw.order('GHOST')?.payoutId,
        status: 0,
      });
      expect(gw.record('GHOST').creates).toMatchObject([
        { created: true, outcome: code, payoutId: gw.order('GHOST')?.payoutId },
      ]);
      clock.advance(3000);
      expect((await query(gw, 'GHOST')).status).toBe(3);
      const [callback] = await waitFor(() =>
        receiver.received.length > 0 ? receiver.received : undefined,
      );
      expect(callback?.body).toMatchObject({ payout_cl_id: 'GHOST', status: 3 });
      expect(verifySign(callback?.body ?? {}, MERCHANT.secret, 'md5')).toBe(true);
      // Resubmitting after the "rejection" is a duplicate: still exactly one order.
      const again = await create(gw, 'GHOST');
      expect(again.json?.['error_code']).toBe('0011');
      expect(gw.record('GHOST').creates.filter((c) => c.created)).toHaveLength(1);
    },
  );

  it('lost: creates nothing and never answers', async () => {
    const gw = await withScenario({ create: { kind: 'lost' } });
    const error = await http
      .post(createUrl(gw), signedBody(createFields('LOST')), 200)
      .catch((e: unknown) => e);
    expect(errorCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(gw.orders()).toEqual([]);
    expect(gw.record('LOST').creates).toMatchObject([
      { created: false, outcome: 'lost', answer: { kind: 'no-answer' } },
    ]);
  });
});

describe('rules', () => {
  const rules: RuleInput[] = [
    {
      name: 'big',
      match: { amountMin: 100_000, amountMax: 200_000 },
      scenario: { create: { kind: 'reject', code: '0018' } },
    },
    {
      name: 'exact',
      match: { amount: 777 },
      scenario: { create: { kind: 'reject', code: '0012' } },
    },
    {
      name: 'prefix',
      match: { payoutClIdPrefix: 'X-' },
      scenario: { create: { kind: 'reject', code: '0004' } },
    },
    { name: 'shadowed', match: { payoutClIdPrefix: 'X-1' }, scenario: {} },
  ];

  it('chooses the first rule that matches on prefix, exact amount or amount range', async () => {
    const gw = await sandbox.start({ rules });
    const codeFor = async (clId: string, amount: string) =>
      (await create(gw, clId, { amount })).json?.['error_code'];
    expect(await codeFor('A-1', '150000')).toBe('0018');
    expect(await codeFor('X-1', '150000')).toBe('0018');
    expect(await codeFor('A-2', '777')).toBe('0012');
    expect(await codeFor('X-1', '500')).toBe('0004');
    expect(await codeFor('A-3', '200001')).toBe('0000');
    expect(gw.order('A-3')?.rule).toBe('default');
  });

  it('uses the demo prefixes by default', async () => {
    const gw = await sandbox.start({ rules: undefined });
    const post = (clId: string) => http.post(createUrl(gw), signedBody(createFields(clId)), 300);
    expect((await post('DEMO-OK-1')).json?.['error_code']).toBe('0000');
    expect((await post('DEMO-5XX-1')).status).toBe(500);
    expect((await post('DEMO-REJECT-1')).json?.['error_code']).toBe('0012');
    expect((await post('DEMO-GHOST-1')).json?.['error_code']).toBe('0018');
    const lost = await post('DEMO-LOST-1').catch((e: unknown) => e);
    expect(errorCode(lost)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(gw.orders().map((o) => o.payoutClId)).toEqual([
      'DEMO-OK-1',
      'DEMO-5XX-1',
      'DEMO-GHOST-1',
    ]);
  });
});

describe('finalization', () => {
  it('after-queries N: answers N queries with a non-final status, then the final one', async () => {
    const gw = await withScenario(
      { finalize: { kind: 'after-queries', queries: 2 }, outcome: 'failed' },
      { schedule: { mode: 'timed', pendingAfterMs: 0, processingAfterMs: 0, finalAfterMs: 0 } },
    );
    await create(gw, 'AQ');
    await new Promise((r) => setTimeout(r, 20));
    expect((await query(gw, 'AQ')).status).toBe(2);
    expect((await query(gw, 'AQ')).status).toBe(2);
    const final = await query(gw, 'AQ');
    expect(final.status).toBe(5);
    expect(final.item?.['memo']).toBe('Recipient account is invalid');
  });

  it('after-ms T: finalizes T ms after creation on the clock', async () => {
    const clock = new ManualClock();
    const gw = await withScenario(
      { finalize: { kind: 'after-ms', ms: 5000 }, outcome: 'cancelled' },
      {
        clock,
        schedule: { mode: 'timed' }, // pending at 1 s, processing at 2 s, final at 3 s
      },
    );
    await create(gw, 'AMS');
    clock.advance(4999);
    expect((await query(gw, 'AMS')).status).toBe(2);
    clock.advance(1);
    expect((await query(gw, 'AMS')).status).toBe(4);
  });

  it('never: stays processing whatever the schedule says', async () => {
    const clock = new ManualClock();
    const gw = await withScenario(
      { finalize: { kind: 'never' } },
      {
        clock,
        schedule: { mode: 'timed', pendingAfterMs: 10, processingAfterMs: 20, finalAfterMs: 30 },
      },
    );
    await create(gw, 'STUCK');
    clock.advance(86_400_000);
    expect((await query(gw, 'STUCK')).status).toBe(2);
    expect(clock.pending).toBe(0);
  });
});

describe('query scenarios', () => {
  it('failFirst: the first N queries fail, then queries answer', async () => {
    const gw = await withScenario({ queries: { failFirst: 2, fault: 'http-503' } });
    await create(gw, 'FF');
    expect((await query(gw, 'FF')).res.status).toBe(503);
    expect((await query(gw, 'FF')).res.status).toBe(503);
    const ok = await query(gw, 'FF');
    expect([ok.res.status, ok.status]).toEqual([200, 0]);
    // Failed queries do not move an on-query order: the first answered one saw scheduled.
    expect(gw.record('FF').queries.map((q) => q.outcome)).toEqual(['http-503', 'http-503', '0000']);
  });

  it('failEvery k: every k-th query fails, in both query forms', async () => {
    const gw = await withScenario({ queries: { failEvery: 3 } });
    await create(gw, 'FE');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const url = i % 2 === 0 ? queryUrl(gw, 'FE') : `${gw.url}/gateway/api/v2/payouts/FE`;
      statuses.push((await http.get(url, MERCHANT.authToken)).status);
    }
    expect(statuses).toEqual([200, 200, 500, 200, 200, 500]);
  });

  it('hiddenForMs: queries do not see a new order for a while, in both forms', async () => {
    const clock = new ManualClock();
    const gw = await withScenario({ queries: { hiddenForMs: 2_000 } }, { clock });
    await create(gw, 'HID');
    const single = `${gw.url}/gateway/api/v2/payouts/HID`;
    expect((await query(gw, 'HID')).item).toBeUndefined();
    expect((await http.get(single, MERCHANT.authToken)).json?.['error_code']).toBe('0050');
    clock.advance(2_000);
    expect((await query(gw, 'HID')).status).toBe(0);
    expect((await http.get(single, MERCHANT.authToken)).json?.['error_code']).toBe('0000');
  });

  it('a query can hang as well', async () => {
    const gw = await withScenario({ queries: { failFirst: 1, fault: 'hang' } });
    await create(gw, 'QH');
    const error = await http
      .get(queryUrl(gw, 'QH'), MERCHANT.authToken, 150)
      .catch((e: unknown) => e);
    expect(errorCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect((await query(gw, 'QH')).res.status).toBe(200);
  });

  it('regression: after reporting success, reports processing, then success again', async () => {
    const gw = await withScenario({
      finalize: { kind: 'after-queries', queries: 0 },
      queries: { regression: { to: 'processing', queries: 1 } },
    });
    await create(gw, 'REG');
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await query(gw, 'REG')).status);
    expect(seen).toEqual([3, 2, 3]);
  });

  it('amount mismatch: items report another amount, correctly signed', async () => {
    const gw = await withScenario({ queries: { amountDeltaCents: -100 } });
    await create(gw, 'MM');
    const { item } = await query(gw, 'MM');
    expect(item?.['amount']).toBe(49900);
    expect(verifySign(item ?? {}, MERCHANT.secret, 'md5')).toBe(true);
  });

  it('bad sign: items carry a sign that does not verify', async () => {
    const gw = await withScenario({ queries: { badSign: true } });
    await create(gw, 'BS');
    const { item } = await query(gw, 'BS');
    expect(item?.['sign']).toMatch(/^[0-9a-f]{32}$/);
    expect(verifySign(item ?? {}, MERCHANT.secret, 'md5')).toBe(false);
  });
});

/** The sandbox on a state file: a restart goes on where the last run stopped. */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySign } from '../../src/gateway/sign.js';
import { SandboxStateError } from '../../src/sandbox/errors.js';
import type { SandboxOptions } from '../../src/sandbox/options.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { ManualClock } from '../support/manual-clock.js';
import { MERCHANT, sandboxFixture, waitFor } from '../support/sandbox.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
  file = join(dir, 'sandbox-orders.json');
});
// Registered before the fixture, so it runs after the fixture closed the sandboxes.
afterEach(() => rm(dir, { recursive: true, force: true }));
const sandbox = sandboxFixture();

const T0 = Date.UTC(2024, 0, 1);
const SCHEDULE = {
  mode: 'timed',
  pendingAfterMs: 1000,
  processingAfterMs: 2000,
  finalAfterMs: 3000,
} as const;
const RULES: RuleInput[] = [
  { name: 'fails', match: { payoutClIdPrefix: 'FAIL-' }, scenario: { outcome: 'failed' } },
  {
    name: 'rejected',
    match: { payoutClIdPrefix: 'REJ-' },
    scenario: { create: { kind: 'reject', code: '0012' } },
  },
];

const start = (options: SandboxOptions = {}) =>
  sandbox.start({ stateFile: file, rules: RULES, schedule: SCHEDULE, ...options });
const stop = (gw: SandboxGateway) => gw.close();
const { receiver, create, single: query } = sandbox;

/** The number at the end of a payout id, and the part before it. */
function splitId(payoutId: string | undefined): [string, number] {
  const match = /^(POT[0-9A-F]{4})(\d{8})$/.exec(payoutId ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`unexpected payout id ${payoutId}`);
  return [match[1], Number(match[2])];
}

describe('sandbox state file', () => {
  it('keeps orders, statuses, scenarios, records and the payout_id sequence across a restart', async () => {
    const clock1 = new ManualClock(T0);
    const first = await start({ clock: clock1 });
    expect((await create(first, 'OK-1')).json?.['error_code']).toBe('0000');
    expect((await create(first, 'FAIL-1')).json?.['error_code']).toBe('0000');
    expect((await create(first, 'REJ-1')).json?.['error_code']).toBe('0012');
    expect((await create(first, 'HELD-1')).json?.['error_code']).toBe('0000');
    first.forceStatus('HELD-1', 'under-review');
    await query(first, 'OK-1');
    clock1.advance(1500);
    expect(await query(first, 'OK-1')).toMatchObject({ status: 1 });
    const ordersBefore = first.orders();
    const recordsBefore = ['OK-1', 'FAIL-1', 'REJ-1', 'HELD-1'].map((id) => first.record(id));
    await stop(first);

    // Only the state file is left in the directory, and it is complete JSON.
    expect(await readdir(dir)).toEqual(['sandbox-orders.json']);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { orders: unknown[] };
    expect(saved.orders).toHaveLength(3);

    const clock2 = new ManualClock(T0 + 1500);
    const second = await start({ clock: clock2 });
    expect(second.orders()).toEqual(ordersBefore);
    expect(['OK-1', 'FAIL-1', 'REJ-1', 'HELD-1'].map((id) => second.record(id))).toEqual(
      recordsBefore,
    );
    // The gateway API sees them too: the same payout_id, the same status.
    expect(await query(second, 'OK-1')).toMatchObject({
      payout_id: ordersBefore[0]?.payoutId,
      status: 1,
    });
    // A resubmission is still a duplicate: no second order.
    expect((await create(second, 'OK-1')).json?.['error_code']).toBe('0011');

    // The sequence goes on: same instance, the next number, never an id handed out before.
    const [prefix, last] = splitId(ordersBefore.at(-1)?.payoutId);
    const next = await create(second, 'OK-2');
    const nextId = (next.json?.['data'] as { payout_id?: string } | undefined)?.payout_id;
    expect(splitId(nextId)).toEqual([prefix, last + 1]);

    // Schedules go on: final at 3000 ms after creation; the forced order stays where it was put.
    clock2.advance(1500);
    expect(second.order('OK-1')?.statusName).toBe('success');
    expect(second.order('FAIL-1')?.statusName).toBe('failed');
    expect(second.order('HELD-1')?.statusName).toBe('under-review');
    expect(second.record('OK-1').statuses.map((s) => s.to)).toEqual([0, 1, 2, 3]);
  });

  it('keeps the sequence after a reset: a payout_id is never handed out twice', async () => {
    const first = await start();
    await create(first, 'OK-A');
    const idA = first.order('OK-A')?.payoutId;
    first.reset();
    await stop(first);
    const second = await start();
    expect(second.orders()).toEqual([]);
    await create(second, 'OK-A');
    const [prefixA, seqA] = splitId(idA);
    expect(splitId(second.order('OK-A')?.payoutId)).toEqual([prefixA, seqA + 1]);
  });

  it('moves an order on by the clock while the sandbox was down', async () => {
    const rx = await receiver();
    const first = await start({ clock: new ManualClock(T0) });
    await create(first, 'DOWN-1', { notify_url: rx.url });
    await stop(first);

    // Back 2.5 s after creation: pending and processing were due meanwhile, the final step not.
    const clock = new ManualClock(T0 + 2500);
    const second = await start({ clock });
    clock.advance(0);
    expect(second.order('DOWN-1')?.statusName).toBe('processing');
    expect(rx.received).toHaveLength(0);
    clock.advance(500);
    expect(second.order('DOWN-1')?.statusName).toBe('success');
    const [callback] = await waitFor(() => (rx.received.length > 0 ? rx.received : undefined));
    expect(callback?.body).toMatchObject({ payout_cl_id: 'DOWN-1', status: 3 });
    expect(verifySign(callback?.body ?? {}, MERCHANT.secret, 'md5')).toBe(true);
  });

  it('on the system clock, an order created before a stop finishes after the restart', async () => {
    const fast = {
      mode: 'timed',
      pendingAfterMs: 150,
      processingAfterMs: 300,
      finalAfterMs: 450,
    } as const;
    const first = await start({ schedule: fast });
    await create(first, 'WALL-1');
    await stop(first);
    expect(first.order('WALL-1')?.status).toBeLessThan(3);
    const second = await start({ schedule: fast });
    await waitFor(() => (second.order('WALL-1')?.status === 3 ? true : undefined), 2000, 'success');
  });

  it('sends a final callback again when it was not acknowledged before the stop', async () => {
    let accepting = false;
    const rx = await receiver(() =>
      accepting ? { status: 200, body: '{"error_code":"0000"}' } : { status: 503, body: 'busy' },
    );
    const clock1 = new ManualClock(T0);
    const callbacks = { attempts: 3, intervalMs: 60_000, timeoutMs: 1000 };
    const first = await start({ clock: clock1, callbacks, schedule: { mode: 'on-query' } });
    await create(first, 'CB-PENDING', { notify_url: rx.url });
    await create(first, 'CB-ACKED', { notify_url: rx.url });
    // Refused, and waiting (on the clock) to retry when the sandbox stops.
    first.forceStatus('CB-PENDING', 'success');
    await waitFor(() => (first.record('CB-PENDING').callbacks.length === 1 ? true : undefined));
    accepting = true;
    first.forceStatus('CB-ACKED', 'failed');
    await waitFor(() =>
      first.record('CB-ACKED').callbacks.some((c) => c.acknowledged) ? true : undefined,
    );
    await stop(first);
    const before = rx.received.length;

    const second = await start({ clock: new ManualClock(T0 + 5000), callbacks });
    await second.callbacksIdle();
    const resent = rx.received.slice(before);
    expect(resent.map((r) => r.body['payout_cl_id'])).toEqual(['CB-PENDING']);
    expect(resent[0]?.body).toMatchObject({ status: 3 });
    expect(second.record('CB-PENDING').callbacks.map((c) => [c.attempt, c.acknowledged])).toEqual([
      [1, false],
      [1, true],
    ]);
    await stop(second);

    // Acknowledged now: a third start sends nothing.
    const third = await start({ clock: new ManualClock(T0 + 9000), callbacks });
    await third.callbacksIdle();
    expect(rx.received.length).toBe(before + 1);
  });

  it('does not send again a callback whose attempts ran out before the stop', async () => {
    const rx = await receiver(() => ({ status: 500, body: 'no' }));
    const callbacks = { attempts: 2, intervalMs: 0, timeoutMs: 1000 };
    const first = await start({ callbacks, schedule: { mode: 'on-query' } });
    await create(first, 'CB-GAVE-UP', { notify_url: rx.url });
    first.forceStatus('CB-GAVE-UP', 'success');
    await first.callbacksIdle();
    expect(rx.received).toHaveLength(2);
    await stop(first);
    const second = await start({ callbacks, schedule: { mode: 'on-query' } });
    await second.callbacksIdle();
    expect(rx.received).toHaveLength(2);
  });

  it('starts empty without a file and creates it (and its directory) once an order exists', async () => {
    file = join(dir, 'nested', 'state.json');
    const first = await start();
    expect(first.orders()).toEqual([]);
    await create(first, 'NEW-1');
    await stop(first);
    const second = await start();
    expect(second.order('NEW-1')?.payoutClId).toBe('NEW-1');
  });

  it('saves while running (debounced), always a complete file, never a temp file left', async () => {
    const gw = await start({ schedule: { mode: 'on-query' } });
    const reads: Array<'missing' | 'complete'> = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          JSON.parse(await readFile(file, 'utf8'));
          reads.push('complete');
        } catch (error) {
          // A partial file would fail JSON.parse with a SyntaxError and fail this test.
          if ((error as { code?: string }).code !== 'ENOENT') throw error;
          reads.push('missing');
        }
      }
    })();
    for (let i = 0; i < 15; i++) {
      await create(gw, `BURST-${i}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Without close(): the debounced write brings every order to the file within the interval.
    const last = Date.now() + 2000;
    let ids: string[] = [];
    while (Date.now() < last) {
      const text = await readFile(file, 'utf8').catch(() => '{"orders":[]}');
      ids = (JSON.parse(text) as { orders: Array<{ payoutClId: string }> }).orders.map(
        (o) => o.payoutClId,
      );
      if (ids.length === 15) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    polling = false;
    await poller;
    expect(ids).toHaveLength(15);
    expect(reads).toContain('complete');
    expect((await readdir(dir)).filter((n) => n !== 'sandbox-orders.json')).toEqual([]);
  });

  it('removes a temp file an interrupted write left, and keeps the state', async () => {
    const first = await start();
    await create(first, 'KEEP-1');
    await stop(first);
    const leftover = join(dir, '.sandbox-orders.json.4242.deadbeef.tmp');
    await writeFile(leftover, '{"version":1,"orders":[');
    const second = await start();
    expect(second.order('KEEP-1')).toBeDefined();
    expect(await readdir(dir)).toEqual(['sandbox-orders.json']);
  });

  it.each([
    ['not JSON', '{"version":1,"orders":[', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['another format', '{"version":2}', /is not a sandbox state \(version: must be 1/],
    [
      'a bad order',
      JSON.stringify({
        version: 1,
        savedAtMs: T0,
        instance: 'ABCD',
        sequence: 1,
        orders: [{ payoutClId: 'X' }],
        records: [],
      }),
      /orders\.0\.payoutId/,
    ],
  ])(
    'refuses to start on a corrupt file (%s), naming it, and leaves it as it was',
    async (_, text, why) => {
      await writeFile(file, text);
      const error = await start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxStateError);
      expect((error as SandboxStateError).code).toBe('ERR_SANDBOX_STATE_FILE');
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(why);
      expect(await readFile(file, 'utf8')).toBe(text);
    },
  );
});

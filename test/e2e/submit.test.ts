/**
 * End to end: what the single create call can come back as, and how the payout still ends right.
 * An unknown answer (HTTP 500, no answer, empty or broken body, reset) is confirmed by polling,
 * never resubmitted; a rejection is confirmed by a query that finds no order, and followed to the
 * real end when the order exists after all.
 */
import { describe, it } from 'vitest';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { useE2e } from './harness.js';
import { createCounts, checksOf, sentCreates, runPayout } from './support.js';

/** Each unknown kind, created at the gateway, no callback: only polling can confirm it. */
const UNKNOWN_KINDS = [
  { prefix: 'U500-', fault: 'http-500', reason: 'http-status' },
  { prefix: 'UHANG-', fault: 'hang', reason: 'timeout' },
  { prefix: 'UEMPTY-', fault: 'empty-body', reason: 'empty-body' },
  { prefix: 'UGARB-', fault: 'garbage-body', reason: 'invalid-json' },
  { prefix: 'URESET-', fault: 'reset', reason: 'connection' },
] as const;

const RULES: RuleInput[] = [
  ...UNKNOWN_KINDS.map(({ prefix, fault }): RuleInput => ({
    name: `created, then ${fault}, no callback`,
    match: { payoutClIdPrefix: prefix },
    scenario: { create: { kind: 'accept-then-fault', fault }, callbacks: { send: false } },
  })),
  {
    name: 'created, then no answer, ends failed, no callback',
    match: { payoutClIdPrefix: 'UFAIL-' },
    scenario: {
      create: { kind: 'accept-then-fault', fault: 'hang' },
      outcome: 'failed',
      failureMessage: 'Recipient account is frozen',
      callbacks: { send: false },
    },
  },
  {
    name: 'rejected 0012, yet created, ends failed',
    match: { payoutClIdPrefix: 'GHOSTF-' },
    scenario: { create: { kind: 'reject-after-create', code: '0012' }, outcome: 'failed' },
  },
];

const e2e = useE2e({ name: 'submit', rules: RULES });

describe.concurrent('an unknown create answer is confirmed by polling', () => {
  it.for(UNKNOWN_KINDS)(
    '$fault: SUCCEEDED by query, exactly one create',
    async ({ prefix, reason }, { expect }) => {
      const { sandbox } = e2e();
      const { request, result, evidence } = await runPayout(e2e(), prefix);

      const order = sandbox.order(request.merchantOrderId);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        payoutId: order?.payoutId,
        gatewayState: 'success',
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
      const submits = sentCreates(evidence);
      expect(submits).toHaveLength(1);
      expect(submits[0]?.outcome).toMatchObject({ kind: 'unknown', reason });
      expect(checksOf(evidence).length).toBeGreaterThanOrEqual(1);
      expect(sandbox.record(request.merchantOrderId).queries.length).toBeGreaterThanOrEqual(1);
    },
  );

  it('no answer, and the order failed: FAILED by query, exactly one create', async ({ expect }) => {
    const { sandbox } = e2e();
    const { request, result, evidence } = await runPayout(e2e(), 'UFAIL-');

    expect(result).toMatchObject({
      status: 'FAILED',
      payoutId: sandbox.order(request.merchantOrderId)?.payoutId,
      gatewayState: 'failed',
      resolvedBy: { by: 'query', afterEscalation: null },
    });
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    expect(sentCreates(evidence)[0]?.outcome).toMatchObject({
      kind: 'unknown',
      reason: 'timeout',
    });
    expect(checksOf(evidence).at(-1)?.outcome).toMatchObject({
      kind: 'found',
      order: { state: 'failed', memo: 'Recipient account is frozen' },
    });
  });
});

describe.concurrent('a rejection is confirmed before it is final', () => {
  it.for([
    { prefix: 'DEMO-REJECT-', code: '0012' },
    { prefix: 'DEMO-BALANCE-', code: '0018' },
  ])(
    '$code with no order: REJECTED after a query, one create',
    async ({ prefix, code }, { expect }) => {
      const { sandbox } = e2e();
      const { request, result, evidence } = await runPayout(e2e(), prefix);

      expect(result).toMatchObject({
        status: 'REJECTED',
        payoutId: null,
        gatewayState: null,
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      const record = sandbox.record(request.merchantOrderId);
      expect(record.creates).toHaveLength(1);
      expect(record.creates[0]).toMatchObject({ created: false, outcome: code });
      expect(record.queries.length).toBeGreaterThanOrEqual(1);
      expect(sandbox.order(request.merchantOrderId)).toBeUndefined();
      expect(sentCreates(evidence)[0]?.outcome).toMatchObject({
        kind: 'rejected',
        code,
      });
      // The rejection became final only after a query found no order.
      // Not-found answers spanning the confirmation window came after the rejected create.
      const checks = checksOf(evidence);
      expect(checks.every((c) => c.outcome.kind === 'not-found')).toBe(true);
      const created = Date.parse(sentCreates(evidence)[0]?.at ?? '');
      const last = checks.at(-1);
      expect(Date.parse(last?.lastAt ?? last?.at ?? '') - created).toBeGreaterThanOrEqual(1_000);
    },
  );

  it.for([
    { prefix: 'DEMO-GHOST-', code: '0018', status: 'SUCCEEDED', state: 'success' },
    { prefix: 'GHOSTF-', code: '0012', status: 'FAILED', state: 'failed' },
  ] as const)(
    '$code but the order exists after all: followed to $status, one create',
    async ({ prefix, code, status, state }, { expect }) => {
      const { sandbox } = e2e();
      const { request, result, evidence } = await runPayout(e2e(), prefix);

      const order = sandbox.order(request.merchantOrderId);
      expect(result).toMatchObject({ status, payoutId: order?.payoutId, gatewayState: state });
      expect(result.resolvedBy).toMatchObject({ afterEscalation: null });
      const record = sandbox.record(request.merchantOrderId);
      expect(record.creates).toHaveLength(1);
      expect(record.creates[0]).toMatchObject({ created: true, outcome: code });
      expect(sentCreates(evidence)[0]?.outcome).toMatchObject({
        kind: 'rejected',
        code,
      });
    },
  );
});

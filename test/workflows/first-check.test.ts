import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { SubmitResult } from '../../activities/types.js';
import type { QueryOutcome } from '../../vocabulary/gateway.js';
import { payoutStatusQuery } from '../../workflows/api.js';
import { accepted, found } from './decide-fixtures.js';
import {
  ScriptedGateway,
  newRequest,
  useTimeSkippingHarness,
  evidenceKinds,
  type PayoutHandle,
} from './payout-harness.js';

const harness = useTimeSkippingHarness();

const EventType = temporal.api.enums.v1.EventType;

/** The event types of the payout's history, in order. */
async function eventTypes(handle: PayoutHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => EventType[e.eventType ?? 0] ?? 'unknown');
}

/** A submit whose create was accepted and whose inline first check got `state`. */
function acceptedAndChecked(state: Parameters<typeof found>[0]): SubmitResult {
  const firstCheck = found(state) as Extract<QueryOutcome, { kind: 'found' }>;
  return { kind: 'sent', outcome: accepted('POT1'), firstCheck };
}

describe('payoutWorkflow: a short first check runs inside the submit', () => {
  it('a first check of at most 1 s is asked of the submit; 5 s (the default) waits on a timer', async () => {
    const gateway = new ScriptedGateway([accepted(), accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      await ctx.finish(await ctx.start(newRequest(), { firstCheckDelay: '100ms' }));
      await ctx.finish(await ctx.start(newRequest()));
    });
    expect(gateway.submits.map((s) => s.firstCheckAfterMs)).toEqual([100, undefined]);
  });

  it('a final answer from the inline check ends the payout: no timer, no second query, one status write', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('success')], []);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        payoutId: 'POT1',
        gatewayState: 'success',
        creates: 1,
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      expect(gateway.queries).toBe(0);
      expect(evidenceKinds(await handle.query(payoutStatusQuery))).toEqual([
        'query',
        'create',
        'status',
        'query',
        'status',
      ]);
      const types = await eventTypes(handle);
      expect(types).not.toContain('EVENT_TYPE_TIMER_STARTED');
      expect(types).not.toContain('EVENT_TYPE_MARKER_RECORDED');
      expect(
        types.filter((t) => t === 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
      ).toHaveLength(1);
      expect(await ctx.payoutStatusAttribute(handle)).toBe('SUCCEEDED');
    });
  });

  it('a non-final inline answer is the first check: the schedule goes on from there', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('processing')], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      // The inline check plus one timed check: not a second "first" check.
      expect(gateway.queries).toBe(1);
      expect(evidenceKinds(await handle.query(payoutStatusQuery))).toEqual([
        'query',
        'create',
        'status',
        'query',
        'query',
        'status',
      ]);
    });
  });

  it('without an inline answer (none in time), the first check waits on its timer as before', async () => {
    const gateway = new ScriptedGateway([accepted('POT1')], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      expect(await ctx.finish(handle)).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      expect(gateway.queries).toBe(1);
      expect(await eventTypes(handle)).toContain('EVENT_TYPE_TIMER_STARTED');
    });
  });
});

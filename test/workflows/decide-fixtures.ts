import type {
  GatewayPayoutState,
  PayoutNotification,
  QueryOutcome,
  SubmitOutcome,
} from '../../src/gateway/types.js';
import { decide } from '../../workflows/decide.js';
import type { PayoutCommand, PayoutEvent } from '../../workflows/events.js';
import { DEFAULT_PAYOUT_POLICY, type PayoutPolicy } from '../../workflows/policy.js';
import { initialState, type PayoutState } from '../../workflows/state.js';

/** Shared builders for the decide tests: one payout, its gateway answers and a clock. */
export const T0 = Date.parse('2025-03-01T00:00:00.000Z');
export const IDENTITY = { merchantOrderId: 'ORDER-1', platformId: 'PF0002', amountCents: 50_000 };
export const POLICY: PayoutPolicy = DEFAULT_PAYOUT_POLICY;

export const STATUS_CODES: Record<GatewayPayoutState, number> = {
  scheduled: 0,
  pending: 1,
  processing: 2,
  success: 3,
  cancelled: 4,
  failed: 5,
  'under-review': 6,
  'unknown-status': 9,
};

export const accepted = (payoutId = 'POT1'): SubmitOutcome => ({ kind: 'accepted', payoutId });
export const rejected = (): SubmitOutcome => ({
  kind: 'rejected',
  code: '0018',
  message: 'Insufficient merchant balance',
});
export const unknown = (): SubmitOutcome => ({ kind: 'unknown', reason: 'timeout', detail: '30s' });

export function found(
  state: GatewayPayoutState,
  over: Partial<{ payoutId: string; amountCents: number; payoutClId: string }> = {},
): QueryOutcome {
  return {
    kind: 'found',
    order: {
      payoutId: 'POT1',
      payoutClId: IDENTITY.merchantOrderId,
      platformId: IDENTITY.platformId,
      state,
      statusCode: STATUS_CODES[state],
      amountCents: IDENTITY.amountCents,
      ...over,
    },
  };
}
export const notFound = (): QueryOutcome => ({ kind: 'not-found' });

export function notification(
  state: GatewayPayoutState,
  over: Partial<PayoutNotification> = {},
): PayoutNotification {
  return {
    payoutId: 'POT1',
    payoutClId: IDENTITY.merchantOrderId,
    platformId: IDENTITY.platformId,
    state,
    statusCode: STATUS_CODES[state],
    amountCents: IDENTITY.amountCents,
    fields: { status: String(STATUS_CODES[state]) },
    ...over,
  };
}

type EventBody = PayoutEvent extends infer E
  ? E extends PayoutEvent
    ? Omit<E, 'at'>
    : never
  : never;

/** Feeds events one after another; each event's time is the clock's, which `wait` advances. */
export class Payout {
  state: PayoutState;
  now: number;
  /** Commands of the latest `feed`. */
  commands: readonly PayoutCommand[] = [];
  constructor(
    readonly policy: PayoutPolicy = POLICY,
    start = T0,
  ) {
    this.now = start;
    this.state = initialState(IDENTITY, start, policy);
  }
  feed(event: EventBody): this {
    const next = decide(this.state, { ...event, at: this.now }, this.policy);
    this.state = next.state;
    this.commands = next.commands;
    return this;
  }
  wait(ms: number): this {
    this.now += ms;
    return this;
  }
  /** Waits until the scheduled check and fires it. */
  tick(): this {
    if (this.state.nextCheckAt !== null) this.now = Math.max(this.now, this.state.nextCheckAt);
    return this.feed({ type: 'timer-fired' });
  }
  started(): this {
    return this.feed({ type: 'start' });
  }
  submitted(outcome: SubmitOutcome, origin: 'initial' | 'operator-resubmit' = 'initial'): this {
    return this.feed({ type: 'submit-outcome', origin, outcome });
  }
  /** Fires the scheduled check and answers its query. */
  checked(outcome: QueryOutcome): this {
    return this.tick().answered(outcome);
  }
  answered(outcome: QueryOutcome): this {
    return this.feed({ type: 'query-outcome', outcome });
  }
  callback(payload: unknown): this {
    return this.feed({ type: 'callback', notification: payload });
  }
  decision(input: unknown, via: 'signal' | 'update' = 'signal'): this {
    return this.feed({ type: 'operator-decision', via, input });
  }
  /** Commands of the latest feed, by type. */
  types(): string[] {
    return this.commands.map((c) => c.type);
  }
}

export const OPERATOR = { operatorId: 'op-7', reason: 'checked with the gateway' };

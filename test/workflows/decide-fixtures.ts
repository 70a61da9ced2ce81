import type { SubmitResult } from '../../activities/types.js';
import {
  statusCodeOf,
  type GatewayPayoutState,
  type QueryOutcome,
  type SubmitOutcome,
} from '../../vocabulary/gateway.js';
import type { CallbackSignalPayload, SubmitOrigin } from '../../workflows/api.js';
import { decide, type PayoutCommand, type PayoutHappening } from '../../workflows/decide.js';
import {
  DEFAULT_PAYOUT_POLICY,
  parsePayoutPolicy,
  type PayoutPolicy,
} from '../../workflows/policy.js';
import { initialState, type EvidenceEntry, type PayoutState } from '../../workflows/state.js';

/** Shared builders for the decide tests: one payout, its gateway answers and a clock. */
export const T0 = Date.parse('2025-03-01T00:00:00.000Z');
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const IDENTITY = { merchantOrderId: 'ORDER-1', platformId: 'PF0002', amountCents: 50_000 };
export const OPERATOR = { operatorId: 'op-7', reason: 'checked with the gateway' };

/** The code a query reports for `state` (9 stands for a code the gateway does not document). */
export const codeOf = (state: GatewayPayoutState): number =>
  state === 'unknown-status' ? 9 : statusCodeOf(state);

/** A policy with overrides, validated as the workflow validates it. */
export function policyWith(overrides: Record<string, unknown>): PayoutPolicy {
  const parsed = parsePayoutPolicy(overrides);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.policy;
}

export const accepted = (payoutId = 'POT1'): SubmitOutcome => ({ kind: 'accepted', payoutId });
export const rejected = (code: '0004' | '0012' | '0018' = '0018'): SubmitOutcome => ({
  kind: 'rejected',
  code,
  message: 'Insufficient merchant balance',
});
export const unknown = (): SubmitOutcome => ({ kind: 'unknown', reason: 'timeout', detail: '30s' });

/** A submit whose pre-check found no order and whose create got `outcome`. */
export const sent = (outcome: SubmitOutcome): SubmitResult => ({ kind: 'sent', outcome });
/** A submit whose pre-check found the order: nothing sent. */
export const exists = (precheck: QueryOutcome): SubmitResult => ({ kind: 'exists', precheck });
/** A submit whose pre-check got no answer: nothing sent. */
export const unanswered = (precheck: QueryOutcome = unavailable()): SubmitResult => ({
  kind: 'not-sent',
  reason: 'precheck-unanswered',
  precheck,
});

/** What the gateway reports of this payout's order `POT1` in `state`, by query or callback. */
function facts(state: GatewayPayoutState) {
  return {
    payoutId: 'POT1',
    payoutClId: IDENTITY.merchantOrderId,
    platformId: IDENTITY.platformId,
    state,
    statusCode: codeOf(state),
    amountCents: IDENTITY.amountCents,
  };
}

export function order(
  state: GatewayPayoutState,
  over: Partial<{ payoutId: string; amountCents: number; payoutClId: string }> = {},
) {
  return { ...facts(state), ...over };
}

export function found(
  state: GatewayPayoutState,
  over: Partial<{ payoutId: string; amountCents: number; payoutClId: string }> = {},
): QueryOutcome {
  return { kind: 'found', order: order(state, over) };
}
export const notFound = (): QueryOutcome => ({ kind: 'not-found' });
export const badSignature = (): QueryOutcome => ({ kind: 'bad-signature', detail: 'data item 0' });
export const unavailable = (code?: string): QueryOutcome => ({
  kind: 'unavailable',
  reason: code === undefined ? 'timeout' : 'gateway-error',
  detail: code === undefined ? 'headers timeout' : `error_code ${code}`,
  ...(code === undefined ? {} : { code }),
});
export function mismatchAt(state: GatewayPayoutState, amountCents: number): QueryOutcome {
  return {
    kind: 'mismatch',
    field: 'amount',
    expected: String(IDENTITY.amountCents),
    actual: String(amountCents),
    order: order(state, { amountCents }),
  };
}

export function notification(
  state: GatewayPayoutState,
  over: Partial<CallbackSignalPayload> = {},
): CallbackSignalPayload {
  return { ...facts(state), ...over };
}

/** Feeds events one after another; each event's time is the clock's, which `wait` advances. */
export class Payout {
  state: PayoutState;
  now: number;
  /** Commands of the latest `feed`. */
  commands: readonly PayoutCommand[] = [];
  /** The latest decision's refusal, if it was refused. */
  refused: { rule: string; message: string } | undefined;
  constructor(
    readonly policy: PayoutPolicy = DEFAULT_PAYOUT_POLICY,
    start = T0,
  ) {
    this.now = start;
    this.state = initialState(IDENTITY, start);
  }
  feed(event: PayoutHappening & { random?: number }): this {
    const next = decide(this.state, { ...event, at: this.now }, this.policy);
    this.state = next.state;
    this.commands = next.commands;
    this.refused = next.refused;
    return this;
  }
  wait(ms: number): this {
    this.now += ms;
    return this;
  }
  /** Waits until the scheduled check and fires it. */
  tick(): this {
    if (this.state.checks.nextAt !== null) this.now = Math.max(this.now, this.state.checks.nextAt);
    return this.feed({ type: 'timer-fired' });
  }
  started(): this {
    return this.feed({ type: 'start' });
  }
  /** The submit's outcome: a create outcome means "the pre-check found nothing, then this". */
  submitted(result: SubmitOutcome | SubmitResult, origin: SubmitOrigin = 'initial'): this {
    const r: SubmitResult =
      result.kind === 'accepted' || result.kind === 'rejected' || result.kind === 'unknown'
        ? sent(result)
        : result;
    return this.feed({ type: 'submit-outcome', origin, result: r });
  }
  /** Fires the scheduled check and answers its query. */
  checked(outcome: QueryOutcome): this {
    return this.tick().answered(outcome);
  }
  /** Answers every scheduled check with "not found" while the payout is CONFIRMING. */
  notFoundWhileConfirming(): this {
    loop(
      () => this.state.status === 'CONFIRMING',
      () => this.checked(notFound()),
    );
    return this;
  }
  answered(outcome: QueryOutcome): this {
    return this.feed({ type: 'query-outcome', outcome });
  }
  callback(payload: unknown): this {
    return this.feed({ type: 'callback', payload });
  }
  decision(input: unknown, via: 'signal' | 'update' = 'update'): this {
    return this.feed({ type: 'operator-decision', via, input });
  }
  /** Commands of the latest feed, by type. */
  types(): string[] {
    return this.commands.map((c) => c.type);
  }
  /** Evidence entries of one kind. */
  entries<K extends EvidenceEntry['kind']>(kind: K): Extract<EvidenceEntry, { kind: K }>[] {
    return this.state.evidence.entries.filter(
      (e): e is Extract<EvidenceEntry, { kind: K }> => e.kind === kind,
    );
  }
}

/** Runs `step` while `cond` holds; a run that never ends fails instead of hanging the suite. */
export function loop(cond: () => boolean, step: () => void, max = 5_000): void {
  for (let i = 0; cond(); i++) {
    if (i >= max) throw new Error(`still going after ${max} steps`);
    step();
  }
}

/** A payout whose create was accepted, waiting for its first check. */
export const confirming = () => new Payout().started().submitted(accepted());

/** A payout in NEEDS_REVIEW because the order stayed not found after an unknown create. */
export function lostAfterUnknown(policy?: PayoutPolicy): Payout {
  return new Payout(policy).started().submitted(unknown()).notFoundWhileConfirming();
}

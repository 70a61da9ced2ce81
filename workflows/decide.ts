import type { SubmitResult } from '../activities/types.js';
import {
  finalOutcome,
  type GatewayOrder,
  type GatewayOrderFacts,
  type QueryOutcome,
} from '../vocabulary/gateway.js';
import type {
  CallbackSignalPayload,
  EscalationReason,
  FinalPayoutStatus,
  PayoutStatus,
  Resolution,
  SubmitOrigin,
} from './api.js';
import {
  contradiction,
  escalationKind,
  identityProblem,
  otherPayoutId,
  overdue,
  parseCallback,
  regularDelay,
  rejectionConfirmedAt,
  reviewDelay,
} from './answers.js';
import {
  MAX_KEEP_WAITING_MS,
  parseOperatorDecision,
  type DecisionChannel,
  type DecisionRule,
  type OperatorDecision,
  type OperatorDecisionAction,
} from './decisions.js';
import type { PayoutPolicy } from './policy.js';
import { appendEvidence, iso, type EvidenceBody, type PayoutState } from './state.js';

/**
 * What happens to a payout, as fed to {@link decide}. `at` is the workflow time in ms; `random`
 * (in [0, 1), from the workflow's deterministic `Math.random()`) only shapes the jitter of the
 * next check and defaults to 0.
 */
export type PayoutEvent = (
  | { readonly type: 'start' }
  | {
      readonly type: 'submit-outcome';
      readonly origin: SubmitOrigin;
      readonly result: SubmitResult;
    }
  /** The submit activity failed (crash, timeout): the create may have reached the gateway. */
  | { readonly type: 'submit-failed'; readonly origin: SubmitOrigin; readonly detail: string }
  | { readonly type: 'query-outcome'; readonly outcome: QueryOutcome }
  /** The status query failed after its retries. */
  | { readonly type: 'query-failed'; readonly detail: string }
  /** A callback signal; its payload is checked here. */
  | { readonly type: 'callback'; readonly payload: unknown }
  /** The scheduled check is due. */
  | { readonly type: 'timer-fired' }
  /** An operator decision; its payload is checked here. */
  | { readonly type: 'operator-decision'; readonly via: DecisionChannel; readonly input: unknown }
  /** Someone asked Temporal to cancel the workflow. */
  | { readonly type: 'cancel-requested' }
  /** An operator asked for a status check now. */
  | { readonly type: 'check-requested'; readonly operatorId: string }
  /** A signal with a name no handler knows. */
  | { readonly type: 'unknown-signal'; readonly name: string }
  /** The driver is about to continue-as-new. */
  | { readonly type: 'continue-as-new' }
) & { readonly at: number; readonly random?: number };

/** What {@link decide} asks the driver to do, in order. Every one is acted on. */
export type PayoutCommand =
  /** Run the submit activity once (pre-check, then at most one create), feed its outcome back. */
  | { readonly type: 'submit'; readonly origin: SubmitOrigin }
  /** Run the status query now, feed its outcome back. */
  | { readonly type: 'query' }
  /** Verified news contradicts the final state: open a dispute an operator sees. */
  | { readonly type: 'dispute'; readonly detail: string; readonly news: CallbackSignalPayload };

/** What {@link decide} returns. */
export interface Decision {
  readonly state: PayoutState;
  readonly commands: readonly PayoutCommand[];
  /** Set when an operator decision was accepted: the update answers with it. */
  readonly accepted?: OperatorDecisionAction;
  /** Set when an operator decision was refused: the update answers with it. */
  readonly refused?: { readonly rule: DecisionRule; readonly message: string };
}

/** An event as the driver hands it over; `decide` gets it with the time and a random number. */
export type PayoutHappening = PayoutEvent extends infer E
  ? E extends PayoutEvent
    ? Omit<E, 'at' | 'random'>
    : never
  : never;

/**
 * Every decision a payout workflow makes, as a pure and total function: the state and one event
 * in, the next state and the commands out. The rules are in workflows/README.md. The driver
 * (payout.ts) waits when `state.checks.nextAt` says and returns `state.result` once it is set.
 */
export function decide(state: PayoutState, event: PayoutEvent, policy: PayoutPolicy): Decision {
  const ctx: Ctx = { s: state, commands: [], policy, at: event.at, random: event.random ?? 0 };
  if (state.result !== null) afterFinal(ctx, event);
  else onEvent(ctx, event);
  return {
    state: ctx.s,
    commands: ctx.commands,
    ...(ctx.accepted ? { accepted: ctx.accepted } : {}),
    ...(ctx.refused ? { refused: ctx.refused } : {}),
  };
}

/** The working copy of one `decide` call. */
interface Ctx {
  s: PayoutState;
  readonly commands: PayoutCommand[];
  readonly policy: PayoutPolicy;
  readonly at: number;
  readonly random: number;
  accepted?: OperatorDecisionAction;
  refused?: { rule: DecisionRule; message: string };
}

function onEvent(ctx: Ctx, event: PayoutEvent): void {
  const { s } = ctx;
  switch (event.type) {
    case 'start':
      if (s.submit.attempts === 0 && s.busy === 'none' && s.checks.nextAt === null) {
        submit(ctx, 'initial');
      }
      return;
    case 'submit-outcome':
      if (s.busy === 'submit') onSubmitted(ctx, event.origin, event.result);
      return;
    case 'submit-failed':
      if (s.busy !== 'submit') return;
      record(ctx, { kind: 'submit-failed', origin: event.origin, detail: event.detail });
      sent(ctx);
      return afterCreate(ctx);
    case 'query-outcome':
      if (s.busy !== 'query') return;
      answered(ctx);
      record(ctx, { kind: 'query', purpose: 'check', outcome: event.outcome });
      return onAnswer(ctx, event.outcome);
    case 'query-failed':
      if (s.busy !== 'query') return;
      answered(ctx);
      record(ctx, { kind: 'query-failed', detail: event.detail });
      return keepChecking(ctx);
    case 'callback':
      return onCallback(ctx, event.payload);
    case 'timer-fired':
      return onTimer(ctx);
    case 'operator-decision':
      return onDecision(ctx, event.via, event.input);
    case 'cancel-requested':
      return onCancel(ctx);
    case 'check-requested':
      record(ctx, { kind: 'check-requested', operatorId: printable(event.operatorId, 200) });
      // A check already running is the one asked for.
      if (s.busy === 'none') runQuery(ctx);
      return;
    case 'unknown-signal':
      return record(ctx, { kind: 'unknown-signal', name: printable(event.name, 100) });
    case 'continue-as-new':
      record(ctx, { kind: 'continued-as-new', run: s.run + 1 });
      return set(ctx, { run: s.run + 1 });
  }
}

// ---- submit ---------------------------------------------------------------------------------

function onSubmitted(ctx: Ctx, origin: SubmitOrigin, result: SubmitResult): void {
  set(ctx, { busy: 'none' });
  switch (result.kind) {
    case 'exists':
      // The gateway knows the order already: follow it, never create over it.
      record(ctx, { kind: 'query', purpose: 'pre-check', outcome: result.precheck });
      answered(ctx);
      moveTo(ctx, ctx.s.review.escalation === null ? 'CONFIRMING' : 'NEEDS_REVIEW');
      return onAnswer(ctx, result.precheck);
    case 'not-sent':
      if (result.reason === 'precheck-unanswered') {
        record(ctx, { kind: 'query', purpose: 'pre-check', outcome: result.precheck });
        answered(ctx);
        record(ctx, { kind: 'create', origin, outcome: result });
        if (credentialsRefused(result.precheck)) {
          escalate(ctx, 'gateway-credentials-rejected', credentialsDetail('query'));
        }
        return retrySubmit(ctx);
      }
      record(ctx, { kind: 'create', origin, outcome: result });
      set(ctx, { submit: { ...ctx.s.submit, unsendable: true } });
      escalate(ctx, 'submit-not-sent', `nothing was sent: ${result.detail}`);
      moveTo(ctx, 'NEEDS_REVIEW');
      return scheduleReview(ctx);
    case 'sent': {
      record(ctx, { kind: 'query', purpose: 'pre-check', outcome: { kind: 'not-found' } });
      answered(ctx);
      const outcome = result.outcome;
      record(ctx, { kind: 'create', origin, outcome });
      sent(ctx);
      if (outcome.kind === 'accepted') {
        const known = otherPayoutId(ctx.s, outcome.payoutId);
        set(ctx, {
          submit: { ...ctx.s.submit, accepted: true },
          gateway: { ...ctx.s.gateway, payoutId: ctx.s.gateway.payoutId ?? outcome.payoutId },
        });
        if (known !== null) {
          escalate(
            ctx,
            'conflict-payout-id',
            `create answered ${outcome.payoutId}, known ${known}`,
          );
        }
      } else if (outcome.kind === 'rejected') {
        if (outcome.code === '0004') {
          // A configuration problem, not a refusal of this payout: the order id is not burned.
          escalate(ctx, 'gateway-credentials-rejected', credentialsDetail('create'));
        } else {
          set(ctx, {
            submit: {
              ...ctx.s.submit,
              rejection: { code: outcome.code, message: outcome.message, at: ctx.at },
            },
          });
        }
      }
      return afterCreate(ctx);
    }
  }
}

/** A create may have reached the gateway: a new grace window, deadline and answers start. */
function sent(ctx: Ctx): void {
  const { submit, gateway } = ctx.s;
  set(ctx, {
    busy: 'none',
    submit: { ...submit, creates: submit.creates + 1, lastSentAt: ctx.at, rejection: null },
    // The pre-check's "not found" was about the time before this create.
    gateway: {
      ...gateway,
      latest: gateway.latest?.state === 'not-found' ? null : gateway.latest,
      notFoundSince: null,
    },
    checks: { ...ctx.s.checks, step: 0 },
  });
}

function afterCreate(ctx: Ctx): void {
  moveTo(ctx, ctx.s.review.escalation === null ? 'CONFIRMING' : 'NEEDS_REVIEW');
  if (ctx.s.gateway.finalCallback !== null) return runQuery(ctx);
  keepChecking(ctx);
}

/** No create was sent (the pre-check got no answer): ask again later, never create blind. */
function retrySubmit(ctx: Ctx): void {
  const due = ctx.s.review.escalation === null ? overdue(ctx.s, ctx.policy, ctx.at) : null;
  if (due !== null) escalate(ctx, due.reason, due.detail);
  if (ctx.s.review.escalation !== null) moveTo(ctx, 'NEEDS_REVIEW');
  const delay =
    ctx.s.review.escalation === null
      ? regularDelay(ctx.s, ctx.policy, ctx.at, ctx.random)
      : reviewDelay(ctx.policy, ctx.random);
  set(ctx, {
    checks: {
      ...ctx.s.checks,
      step: ctx.s.checks.step + 1,
      next: 'submit',
      nextAt: ctx.at + delay,
    },
  });
}

// ---- answers --------------------------------------------------------------------------------

function onAnswer(ctx: Ctx, outcome: QueryOutcome): void {
  switch (outcome.kind) {
    case 'found':
      return onFound(ctx, outcome.order);
    case 'not-found':
      return onNotFound(ctx);
    case 'mismatch': {
      // The gateway holds an order that is not the one asked for: never create over it.
      const order = outcome.order;
      setGateway(ctx, {
        orderSeen: true,
        payoutId: ctx.s.gateway.payoutId ?? order?.payoutId ?? null,
        latest: {
          state: order?.state ?? 'unknown-status',
          statusCode: order?.statusCode ?? null,
          source: 'query',
          mismatch: `${outcome.field}: expected ${outcome.expected}, got ${outcome.actual}`,
          at: ctx.at,
        },
        notFoundSince: null,
      });
      set(ctx, { submit: { ...ctx.s.submit, rejection: null } });
      escalate(
        ctx,
        'conflict-mismatch',
        outcome.detail ?? `${outcome.field}: expected ${outcome.expected}, got ${outcome.actual}`,
      );
      return keepChecking(ctx);
    }
    case 'bad-signature':
      // An answer that fails verification carries no information.
      return keepChecking(ctx);
    case 'unavailable':
      if (credentialsRefused(outcome)) {
        escalate(ctx, 'gateway-credentials-rejected', credentialsDetail('query'));
      }
      return keepChecking(ctx);
  }
}

/**
 * A verified answer reported the order: it exists (no resubmit, no rejection) and its state is
 * the latest. Returns another payout id already known for this payout, if any.
 */
function learnOrder(
  ctx: Ctx,
  order: GatewayOrderFacts,
  source: 'query' | 'callback',
): string | null {
  const known = otherPayoutId(ctx.s, order.payoutId);
  setGateway(ctx, {
    orderSeen: true,
    payoutId: ctx.s.gateway.payoutId ?? order.payoutId,
    latest: {
      state: order.state,
      statusCode: order.statusCode,
      source,
      mismatch: null,
      at: ctx.at,
    },
    notFoundSince: null,
  });
  set(ctx, { submit: { ...ctx.s.submit, rejection: null } });
  return known;
}

function onFound(ctx: Ctx, order: GatewayOrder): void {
  const known = learnOrder(ctx, order, 'query');
  if (known !== null) {
    escalate(ctx, 'conflict-payout-id', `the gateway reports ${order.payoutId}, known ${known}`);
  }
  if (inConflict(ctx)) return keepChecking(ctx);
  const final = finalOutcome(order.state);
  if (final !== null) {
    const cb = ctx.s.gateway.finalCallback;
    if (cb !== null && finalOutcome(cb.state) !== final) {
      escalate(
        ctx,
        'conflict-callback-query',
        `a callback said ${cb.state}, the query says ${order.state}`,
      );
      return keepChecking(ctx);
    }
    return finish(ctx, final, {
      by: cb !== null ? 'callback-confirmed-by-query' : 'query',
      afterEscalation: ctx.s.review.escalation?.reason ?? null,
    });
  }
  const parked = ctx.s.review.waitingUntil !== null;
  if (order.state === 'unknown-status' && !parked) {
    escalate(
      ctx,
      'unknown-status',
      `status code ${order.statusCode} is not one the gateway documents`,
    );
  }
  keepChecking(ctx);
}

function onNotFound(ctx: Ctx): void {
  setGateway(ctx, {
    latest: { state: 'not-found', statusCode: null, source: 'query', mismatch: null, at: ctx.at },
    notFoundSince: ctx.s.gateway.notFoundSince ?? ctx.at,
  });
  const confirmedAt = rejectionConfirmedAt(ctx.s, ctx.policy);
  if (confirmedAt !== null && ctx.at >= confirmedAt && !inConflict(ctx) && mayBeRejected(ctx.s)) {
    return finish(ctx, 'REJECTED', {
      by: 'query',
      afterEscalation: ctx.s.review.escalation?.reason ?? null,
    });
  }
  keepChecking(ctx);
}

/** REJECTED only when no order can exist: nothing accepted, seen or named by the gateway. */
function mayBeRejected(s: PayoutState): boolean {
  return (
    s.submit.rejection !== null &&
    !s.submit.accepted &&
    !s.gateway.orderSeen &&
    s.gateway.payoutId === null
  );
}

/** Not final: escalate if a "no answer yet" trigger fired, then schedule the next check. */
function keepChecking(ctx: Ctx): void {
  if (ctx.s.review.escalation === null) {
    const due = overdue(ctx.s, ctx.policy, ctx.at);
    if (due !== null) escalate(ctx, due.reason, due.detail);
  }
  if (ctx.s.busy !== 'none') return;
  const { finalCallback } = ctx.s.gateway;
  if (finalCallback !== null && !inConflict(ctx)) {
    if (ctx.s.checks.callbackRechecks < ctx.policy.callbackConfirmAttempts) {
      // A final callback waits for a query to confirm it: ask again soon.
      const rechecks = ctx.s.checks.callbackRechecks + 1;
      return schedule(ctx, ctx.policy.callbackConfirmDelay, { callbackRechecks: rechecks });
    }
  }
  if (ctx.s.review.escalation !== null) return scheduleReview(ctx);
  const delay = regularDelay(ctx.s, ctx.policy, ctx.at, ctx.random);
  schedule(ctx, delay, { step: ctx.s.checks.step + 1 });
}

// ---- callbacks ------------------------------------------------------------------------------

function onCallback(ctx: Ctx, payload: unknown): void {
  const parsed = parseCallback(payload);
  if (!parsed.ok) return record(ctx, { kind: 'callback-invalid', issues: parsed.issues });
  const n = parsed.notification;
  const key = `${n.payoutId}:${n.statusCode}`;
  const { gateway } = ctx.s;
  const times = gateway.callbacks[key];
  if (times !== undefined) {
    setGateway(ctx, { callbacks: { ...gateway.callbacks, [key]: times + 1 } });
    return;
  }
  if (Object.keys(gateway.callbacks).length < MAX_DISTINCT_CALLBACKS) {
    setGateway(ctx, { callbacks: { ...gateway.callbacks, [key]: 1 } });
  }
  const final = finalOutcome(n.state);
  if (final === null && gateway.finalCallback !== null) {
    return record(ctx, { kind: 'callback', note: 'stale', notification: n });
  }
  record(ctx, { kind: 'callback', note: 'new', notification: n });
  const identity = identityProblem(ctx.s, n);
  if (identity !== null) {
    setGateway(ctx, { orderSeen: true });
    return escalateAndSettle(ctx, 'conflict-mismatch', `a signed callback: ${identity}`);
  }
  const known = learnOrder(ctx, n, 'callback');
  if (known !== null) {
    return escalateAndSettle(
      ctx,
      'conflict-payout-id',
      `a callback names ${n.payoutId}, known ${known}`,
    );
  }
  if (final !== null) {
    const pending = ctx.s.gateway.finalCallback;
    if (pending !== null && finalOutcome(pending.state) !== final) {
      return escalateAndSettle(
        ctx,
        'conflict-callbacks',
        `callbacks said ${pending.state} and ${n.state}`,
      );
    }
    setGateway(ctx, { finalCallback: { payoutId: n.payoutId, state: n.state } });
    set(ctx, { checks: { ...ctx.s.checks, callbackRechecks: 0 } });
    // Wake the loop: a query confirms the callback now. A running activity's answer will use it.
    if (ctx.s.busy === 'none' && !inConflict(ctx)) runQuery(ctx);
  }
}

/** Distinct callbacks remembered per payout (a real payout has a handful). */
const MAX_DISTINCT_CALLBACKS = 50;

function escalateAndSettle(ctx: Ctx, reason: EscalationReason, detail: string): void {
  escalate(ctx, reason, detail);
  // The loop's next check is already scheduled (or an activity runs); a conflict only slows it.
  if (ctx.s.busy === 'none' && ctx.s.checks.nextAt === null) scheduleReview(ctx);
}

/** After the final state: contradicting verified news is a dispute; everything else is noted. */
function afterFinal(ctx: Ctx, event: PayoutEvent): void {
  const result = ctx.s.result!;
  if (event.type === 'operator-decision') {
    const parsed = parseOperatorDecision(event.input, ctx.at);
    return refuse(ctx, event.via, 'payout-final', `the payout is already ${result.status}`, {
      action: parsed.ok ? parsed.decision.action : parsed.action,
      operatorId: parsed.ok ? parsed.decision.operatorId : parsed.operatorId,
    });
  }
  if (event.type === 'unknown-signal') {
    return record(ctx, { kind: 'unknown-signal', name: printable(event.name, 100) });
  }
  if (event.type !== 'callback') return;
  const parsed = parseCallback(event.payload);
  if (!parsed.ok) return;
  const n = parsed.notification;
  const detail = contradiction(result, n);
  if (detail === null) return;
  record(ctx, { kind: 'dispute', detail });
  ctx.commands.push({ type: 'dispute', detail, news: n });
}

// ---- timers, cancellation ---------------------------------------------------------------------

function onTimer(ctx: Ctx): void {
  const { s } = ctx;
  if (s.busy !== 'none' || s.checks.nextAt === null) return;
  const resubmitBlocked = s.review.cancelRequestedAt !== null || s.gateway.orderSeen;
  // A pre-check retry continues the submit it belongs to.
  if (s.checks.next === 'submit' && !resubmitBlocked) return submit(ctx, s.submit.origin);
  runQuery(ctx);
}

function onCancel(ctx: Ctx): void {
  if (ctx.s.review.cancelRequestedAt !== null) return;
  record(ctx, { kind: 'cancel-requested' });
  set(ctx, { review: { ...ctx.s.review, cancelRequestedAt: ctx.at } });
  const sentAny = ctx.s.submit.creates > 0 || ctx.s.busy === 'submit';
  escalate(
    ctx,
    'cancel-requested',
    sentAny
      ? 'cancel requested; the gateway order may still pay: checks go on until the gateway reports a final state or an operator decides'
      : 'cancel requested before any create was sent; none will be sent: an operator decides',
  );
  if (ctx.s.busy === 'none') {
    if (ctx.s.checks.next === 'submit') set(ctx, { checks: { ...ctx.s.checks, next: 'query' } });
    if (ctx.s.checks.nextAt === null) scheduleReview(ctx);
  }
}

// ---- operator decisions ---------------------------------------------------------------------

function onDecision(ctx: Ctx, via: DecisionChannel, input: unknown): void {
  const parsed = parseOperatorDecision(input, ctx.at);
  if (!parsed.ok) {
    return refuse(ctx, via, parsed.rule, parsed.message.slice(parsed.rule.length + 2), parsed);
  }
  const d = parsed.decision;
  const broken = brokenRule(ctx.s, d, ctx.at);
  if (broken !== null) return refuse(ctx, via, broken.rule, broken.why, d);
  const pending = ctx.s.review.pendingConfirm;
  const confirm = d.action === 'confirm-succeeded' || d.action === 'confirm-failed';
  if (confirm && pending !== null && pending.operatorId === d.operatorId) {
    return refuse(
      ctx,
      via,
      'four-eyes-same-operator',
      `${d.operatorId} asked for ${pending.action} already; a second operator must agree`,
      d,
    );
  }
  record(ctx, { kind: 'decision', via, accepted: true, decision: d });
  ctx.accepted = d.action;
  switch (d.action) {
    case 'confirm-succeeded':
    case 'confirm-failed': {
      const needsTwo = ctx.s.payout.amountCents > ctx.policy.fourEyesAboveCents;
      if (needsTwo && (pending === null || pending.action !== d.action)) {
        // The first of two (or a different outcome than the one pending): wait for a second.
        const asked = { action: d.action, operatorId: d.operatorId, reason: d.reason };
        set(ctx, {
          review: {
            ...ctx.s.review,
            pendingConfirm: { ...asked, override: d.override, at: iso(ctx.at) },
          },
        });
        return;
      }
      const first = needsTwo && pending !== null ? pending : null;
      return finish(ctx, d.action === 'confirm-succeeded' ? 'SUCCEEDED' : 'FAILED', {
        by: 'operator',
        operatorId: first?.operatorId ?? d.operatorId,
        reason: first?.reason ?? d.reason,
        action: d.action,
        override: first?.override ?? d.override,
        approvedBy: first === null ? null : d.operatorId,
      });
    }
    case 'resubmit':
      set(ctx, {
        review: { ...ctx.s.review, escalation: null, waitingUntil: null, pendingConfirm: null },
        submit: { ...ctx.s.submit, rejection: null, unsendable: false },
      });
      setGateway(ctx, { finalCallback: null, notFoundSince: null });
      return submit(ctx, 'operator-resubmit');
    case 'keep-waiting':
      set(ctx, {
        review: { ...ctx.s.review, escalation: null, waitingUntil: d.until, pendingConfirm: null },
        checks: { ...ctx.s.checks, step: 0 },
      });
      moveTo(ctx, 'CONFIRMING');
      return keepChecking(ctx);
  }
}

/**
 * The rule a well-formed decision breaks in `s`, if any. Decisions are open in NEEDS_REVIEW and
 * while a keep-waiting deadline runs; a confirm must not contradict the latest verified gateway
 * state unless it says why (`override`); resubmit only while no order can exist.
 */
export function brokenRule(
  s: PayoutState,
  d: Pick<OperatorDecision, 'action'> & { override?: string | null; until?: number },
  now: number,
): { rule: DecisionRule; why: string } | null {
  if (s.result !== null) return { rule: 'payout-final', why: `the payout is already ${s.status}` };
  if (s.status !== 'NEEDS_REVIEW' && s.review.waitingUntil === null) {
    return {
      rule: 'only-in-needs-review',
      why: `decisions are open while the payout is NEEDS_REVIEW or under keep-waiting; it is ${s.status} and confirming on its own`,
    };
  }
  if (s.busy !== 'none') {
    return { rule: 'check-in-progress', why: 'a gateway call runs; its answer comes first' };
  }
  const latest = s.gateway.latest;
  switch (d.action) {
    case 'confirm-succeeded':
    case 'confirm-failed': {
      if (latest === null || d.override) return null;
      const notPaid = latest.state === 'not-found' || finalOutcome(latest.state) === 'FAILED';
      const contradicts = d.action === 'confirm-succeeded' ? notPaid : !notPaid;
      if (!contradicts) return null;
      return {
        rule: 'contradicts-gateway',
        why: `the gateway last reported ${latest.state === 'not-found' ? 'no such order' : latest.state} (${latest.source}, ${iso(latest.at)}); to confirm ${d.action === 'confirm-succeeded' ? 'success' : 'failure'} anyway, add override: why the gateway's report is wrong`,
      };
    }
    case 'resubmit':
      if (s.submit.accepted) {
        return {
          rule: 'resubmit-create-accepted',
          why: 'the gateway accepted a create (0000): the order may exist',
        };
      }
      if (s.gateway.payoutId !== null) {
        return {
          rule: 'resubmit-payout-id-known',
          why: `the gateway named the order ${s.gateway.payoutId}`,
        };
      }
      if (s.gateway.orderSeen) {
        return {
          rule: 'resubmit-order-seen',
          why: 'the gateway has reported this order, so it exists',
        };
      }
      return null;
    case 'keep-waiting': {
      if (s.review.escalation?.kind === 'conflict') {
        return {
          rule: 'conflict-needs-confirm',
          why: `${s.review.escalation.reason} is a conflict: only confirm-succeeded or confirm-failed resolves it`,
        };
      }
      const until = d.until ?? now;
      if (until <= now)
        return { rule: 'deadline-not-in-future', why: `the deadline must be after ${iso(now)}` };
      if (until > now + MAX_KEEP_WAITING_MS) {
        return { rule: 'deadline-too-far', why: 'keep-waiting may last at most 30 days' };
      }
      return null;
    }
  }
}

/** The decisions open in `s` (a confirm may still need `override`). */
export function allowedDecisions(s: PayoutState, now: number): OperatorDecisionAction[] {
  const idle: PayoutState = { ...s, busy: 'none' };
  const open = (action: OperatorDecisionAction, extra: { override?: string; until?: number }) =>
    brokenRule(idle, { action, ...extra }, now) === null;
  return (['confirm-succeeded', 'confirm-failed', 'resubmit', 'keep-waiting'] as const).filter(
    (action) => open(action, { override: 'x', until: now + 1 }),
  );
}

function refuse(
  ctx: Ctx,
  via: DecisionChannel,
  rule: DecisionRule,
  why: string,
  seen: { action: string | null; operatorId: string | null },
): void {
  const message = `${rule}: ${why}`;
  const action = seen.action === null ? null : printable(seen.action, 200);
  const operatorId = seen.operatorId === null ? null : printable(seen.operatorId, 200);
  record(ctx, { kind: 'decision', via, accepted: false, rule, message, action, operatorId });
  set(ctx, {
    review: {
      ...ctx.s.review,
      lastRefused: { rule, message, action, operatorId, via, at: iso(ctx.at) },
    },
  });
  ctx.refused = { rule, message };
}

// ---- helpers --------------------------------------------------------------------------------

function set(ctx: Ctx, patch: Partial<PayoutState>): void {
  ctx.s = { ...ctx.s, ...patch };
}

function setGateway(ctx: Ctx, patch: Partial<PayoutState['gateway']>): void {
  ctx.s = { ...ctx.s, gateway: { ...ctx.s.gateway, ...patch } };
}

function record(ctx: Ctx, body: EvidenceBody): void {
  set(ctx, { evidence: appendEvidence(ctx.s.evidence, body, ctx.at, ctx.policy) });
}

function answered(ctx: Ctx): void {
  set(ctx, { busy: 'none', checks: { ...ctx.s.checks, count: ctx.s.checks.count + 1 } });
}

function moveTo(ctx: Ctx, status: PayoutStatus): void {
  if (ctx.s.status === status) return;
  record(ctx, { kind: 'status', from: ctx.s.status, to: status });
  const since = status === 'NEEDS_REVIEW' ? ctx.at : null;
  set(ctx, { status, review: { ...ctx.s.review, since } });
}

function submit(ctx: Ctx, origin: SubmitOrigin): void {
  // A pre-check retry while a person looks keeps the payout listed as NEEDS_REVIEW.
  if (ctx.s.review.escalation === null) moveTo(ctx, 'SUBMITTING');
  set(ctx, {
    busy: 'submit',
    submit: { ...ctx.s.submit, origin, attempts: ctx.s.submit.attempts + 1 },
    checks: { ...ctx.s.checks, next: 'query', nextAt: null },
  });
  ctx.commands.push({ type: 'submit', origin });
}

function runQuery(ctx: Ctx): void {
  set(ctx, { busy: 'query', checks: { ...ctx.s.checks, next: 'query', nextAt: null } });
  ctx.commands.push({ type: 'query' });
}

function schedule(ctx: Ctx, delayMs: number, patch: Partial<PayoutState['checks']> = {}): void {
  set(ctx, { checks: { ...ctx.s.checks, ...patch, next: 'query', nextAt: ctx.at + delayMs } });
}

function scheduleReview(ctx: Ctx): void {
  schedule(ctx, reviewDelay(ctx.policy, ctx.random));
}

/**
 * Records an escalation and moves to NEEDS_REVIEW (after a running submit, if one runs). A
 * conflict replaces a waiting reason; otherwise the current reason stays and later ones are only
 * recorded. Every escalation stays in `review.history`.
 */
function escalate(ctx: Ctx, reason: EscalationReason, detail: string): void {
  const current = ctx.s.review.escalation;
  if (current?.reason === reason) return;
  const kind = escalationKind(reason);
  const escalation = { reason, kind, detail, at: iso(ctx.at) };
  record(ctx, { kind: 'escalation', reason, escalationKind: kind, detail });
  const replaces = current === null || (current.kind === 'waiting' && kind === 'conflict');
  set(ctx, {
    review: {
      ...ctx.s.review,
      history: [...ctx.s.review.history, escalation],
      ...(replaces ? { escalation, waitingUntil: null } : {}),
    },
  });
  if (ctx.s.busy !== 'submit') moveTo(ctx, 'NEEDS_REVIEW');
}

function finish(ctx: Ctx, status: FinalPayoutStatus, by: Resolution): void {
  if (status === 'REJECTED' && !mayBeRejected(ctx.s)) {
    // Never REJECTED while a create was accepted or the order was reported: a person decides.
    escalate(
      ctx,
      'not-found-after-accepted-submit',
      'a rejection cannot be final: an order may exist',
    );
    return keepChecking(ctx);
  }
  moveTo(ctx, status);
  const { s } = ctx;
  const gatewayState = s.gateway.latest?.state;
  set(ctx, {
    result: {
      status,
      ...s.payout,
      payoutId: s.gateway.payoutId,
      gatewayState:
        gatewayState === undefined || gatewayState === 'not-found' ? null : gatewayState,
      resolvedBy: by,
      resolvedAt: iso(ctx.at),
      creates: s.submit.creates,
      escalations: s.review.history,
    },
    checks: { ...s.checks, nextAt: null },
  });
}

function inConflict(ctx: Ctx): boolean {
  return ctx.s.review.escalation?.kind === 'conflict';
}

function credentialsRefused(outcome: QueryOutcome): boolean {
  return outcome.kind === 'unavailable' && outcome.code === '0006';
}

function credentialsDetail(call: 'create' | 'query'): string {
  return call === 'create'
    ? 'the gateway refused the create with 0004 (signature): check GATEWAY_SECRET and GATEWAY_SIGN_MODE, then resubmit'
    : 'the gateway refused the query with 0006 (authorization): check GATEWAY_AUTH_TOKEN';
}

/** Text from outside, safe to record: printable and short. */
function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, max);
}

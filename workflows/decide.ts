import type { GatewayOrder, QueryOutcome } from '../src/gateway/types.js';
import { parseCallback } from './callback.js';
import {
  escalationKind,
  finalOutcome,
  identityProblem,
  payoutIdProblem,
  progressRank,
} from './classify.js';
import { validateDecision, type DecisionChannel, type OperatorDecision } from './decisions.js';
import type { Decision, PayoutCommand, PayoutEvent } from './events.js';
import { appendEvidence, type EvidenceBody } from './evidence.js';
import type { PayoutPolicy } from './policy.js';
import { overdue, regularDelay, reviewDelay } from './schedule.js';
import type { PayoutState } from './state.js';
import type { EscalationReason, PayoutStatus, Resolution, SubmitOrigin } from './types.js';

/**
 * Every decision a payout workflow makes, as a pure function: the state and one event in, the
 * next state and the commands for the driver out. Rules (see docs in types.ts and the README):
 * - one submit; a second only on an operator's `resubmit`;
 * - only a query's final state (or an operator) finalizes; a callback is a hint that triggers a
 *   query; `REJECTED` needs a rejected submit and a query that finds no order;
 * - conflicting evidence escalates to NEEDS_REVIEW and only an operator resolves it; "no answer
 *   yet" escalations keep polling slowly and a late final status still resolves them.
 * A final state ignores every further event.
 */
export function decide(
  state: PayoutState,
  event: PayoutEvent,
  policy: PayoutPolicy,
): Decision<PayoutState> {
  if (state.result !== null) return { state, commands: [] };
  const ctx: Ctx = { s: state, commands: [], policy, at: event.at, random: event.random ?? 0 };
  switch (event.type) {
    case 'start':
      if (state.submits === 0 && state.inFlight === 'none') {
        ctx.commands.push({ type: 'upsert-status', status: state.status });
        submit(ctx, 'initial');
      }
      break;
    case 'submit-outcome':
    case 'submit-failed':
      if (state.inFlight === 'submit') onSubmitted(ctx, event);
      break;
    case 'query-outcome':
      if (state.inFlight === 'query') onQueryOutcome(ctx, event.outcome);
      break;
    case 'query-unavailable':
      if (state.inFlight === 'query') {
        answered(ctx, 'failed');
        record(ctx, { kind: 'query-failed', detail: event.detail });
        onNoAnswer(ctx);
      }
      break;
    case 'callback':
      onCallback(ctx, event.notification);
      break;
    case 'timer-fired':
      if (state.inFlight === 'none' && state.nextCheckAt !== null) runQuery(ctx);
      break;
    case 'operator-decision':
      onDecision(ctx, event.via, event.input);
      break;
    case 'continue-as-new':
      record(ctx, { kind: 'continued-as-new', run: state.run + 1 });
      set(ctx, { run: state.run + 1 });
      break;
  }
  return { state: ctx.s, commands: ctx.commands };
}

/** The working copy of one `decide` call. */
interface Ctx {
  s: PayoutState;
  readonly commands: PayoutCommand[];
  readonly policy: PayoutPolicy;
  readonly at: number;
  readonly random: number;
}

function onSubmitted(
  ctx: Ctx,
  event: Extract<PayoutEvent, { type: 'submit-outcome' | 'submit-failed' }>,
): void {
  const outcome = event.type === 'submit-outcome' ? event.outcome : ({ kind: 'unknown' } as const);
  record(
    ctx,
    event.type === 'submit-outcome'
      ? { kind: 'submit', origin: event.origin, outcome: event.outcome }
      : { kind: 'submit-failed', origin: event.origin, detail: event.detail },
  );
  set(ctx, {
    inFlight: 'none',
    lastSubmit: { origin: event.origin, result: outcome.kind, at: ctx.at },
    payoutId: outcome.kind === 'accepted' ? outcome.payoutId : ctx.s.payoutId,
    rejection:
      outcome.kind === 'rejected' ? { code: outcome.code, message: outcome.message } : null,
    notFoundGraceFrom: outcome.kind === 'rejected' ? null : ctx.at,
    pendingDeadline: ctx.at + ctx.policy.maxPending,
    backoffStep: 0,
  });
  // An escalation recorded while the submit ran (a conflicting callback) applies now.
  moveTo(ctx, ctx.s.escalation === null ? 'CONFIRMING' : 'NEEDS_REVIEW');
  if (ctx.s.callback !== null) runQuery(ctx);
  else if (ctx.s.escalation !== null) scheduleReview(ctx);
  else scheduleRegular(ctx);
}

function onQueryOutcome(ctx: Ctx, outcome: QueryOutcome): void {
  answered(ctx, outcome.kind);
  record(ctx, { kind: 'query', outcome });
  switch (outcome.kind) {
    case 'unavailable':
      return onNoAnswer(ctx);
    case 'bad-signature':
      escalate(ctx, 'conflict-bad-signature', outcome.detail);
      return scheduleReview(ctx);
    case 'mismatch':
      // The gateway holds some order under our id: never resubmit over it.
      set(ctx, { orderSeen: true });
      escalate(
        ctx,
        'conflict-mismatch',
        `${outcome.field}: expected ${outcome.expected}, got ${outcome.actual}`,
      );
      return scheduleReview(ctx);
    case 'not-found':
      return onNotFound(ctx);
    case 'found':
      return onFound(ctx, outcome.order);
  }
}

function onFound(ctx: Ctx, order: GatewayOrder): void {
  const { s } = ctx;
  const problem = identityProblem(s, order) ?? payoutIdProblem(s, order.payoutId);
  const rank = progressRank(order.state);
  const regressed = rank !== null && s.highestRank !== null && rank < s.highestRank;
  if (problem !== null) {
    // Not (exactly) our order: evidence only. It still counts as seen, so no resubmit follows.
    set(ctx, { orderSeen: true, rejection: null });
    escalate(ctx, problem.reason, problem.detail);
    return scheduleReview(ctx);
  }
  set(ctx, {
    payoutId: s.payoutId ?? order.payoutId,
    gatewayState: order.state,
    gatewayStatusCode: order.statusCode,
    orderSeen: true,
    rejection: null,
    highestRank: rank === null ? s.highestRank : Math.max(rank, s.highestRank ?? rank),
  });
  if (regressed) {
    escalate(ctx, 'conflict-status-regressed', `${order.state} after rank ${s.highestRank}`);
  }
  // After a conflict, answers are evidence only: a person decides.
  if (inConflict(ctx)) return scheduleReview(ctx);

  const final = finalOutcome(order.state);
  if (final !== null) {
    const cb = ctx.s.callback;
    if (cb !== null && finalOutcome(cb.state) !== final) {
      escalate(
        ctx,
        'conflict-callback-query',
        `callback said ${cb.state}, query says ${order.state}`,
      );
      return scheduleReview(ctx);
    }
    return finish(ctx, final, {
      by: cb !== null ? 'callback-confirmed-by-query' : 'query',
      afterEscalation: ctx.s.escalation?.reason ?? null,
    });
  }
  if (followCallback(ctx)) return;
  if (ctx.s.escalation !== null) return scheduleReview(ctx);
  const waiting = ctx.s.waitingUntil !== null && ctx.at < ctx.s.waitingUntil;
  if (order.state === 'unknown-status' && !waiting) {
    escalate(ctx, 'unknown-status', `status code ${order.statusCode}`);
    return scheduleReview(ctx);
  }
  confirmOrEscalate(ctx);
}

function onNotFound(ctx: Ctx): void {
  if (inConflict(ctx)) return scheduleReview(ctx);
  if (ctx.s.orderSeen) {
    escalate(ctx, 'conflict-order-disappeared', 'a query found the order earlier');
    return scheduleReview(ctx);
  }
  if (followCallback(ctx)) return;
  if (ctx.s.rejection !== null) {
    if (ctx.s.seenCallbacks.length > 0) {
      escalate(
        ctx,
        'conflict-callback-query',
        'a callback reported the order; the query finds none',
      );
      return scheduleReview(ctx);
    }
    return finish(ctx, 'REJECTED', {
      by: 'query',
      afterEscalation: ctx.s.escalation?.reason ?? null,
    });
  }
  if (ctx.s.escalation !== null) return scheduleReview(ctx);
  confirmOrEscalate(ctx);
}

/** A query without a usable answer: keep checking, unless a deadline passed. */
function onNoAnswer(ctx: Ctx): void {
  if (ctx.s.escalation !== null) return scheduleReview(ctx);
  confirmOrEscalate(ctx);
}

/** Not final, nothing wrong: escalate if a "no answer yet" trigger fired, else check again. */
function confirmOrEscalate(ctx: Ctx): void {
  const due = overdue(ctx.s, ctx.policy, ctx.at);
  if (due !== null) {
    escalate(ctx, due.reason, due.detail);
    return scheduleReview(ctx);
  }
  scheduleRegular(ctx);
}

/**
 * A final callback is pending and the query does not confirm it yet: re-check after
 * `callbackConfirmDelay`, and after `callbackConfirmAttempts` such answers call it a conflict.
 * Returns whether it handled the answer.
 */
function followCallback(ctx: Ctx): boolean {
  const cb = ctx.s.callback;
  if (cb === null) return false;
  const confirmations = cb.confirmations + 1;
  set(ctx, { callback: { ...cb, confirmations } });
  if (confirmations >= ctx.policy.callbackConfirmAttempts) {
    escalate(
      ctx,
      'conflict-callback-unconfirmed',
      `callback said ${cb.state}; ${confirmations} queries did not confirm it`,
    );
    scheduleReview(ctx);
  } else {
    scheduleIn(ctx, ctx.policy.callbackConfirmDelay);
  }
  return true;
}

function onCallback(ctx: Ctx, input: unknown): void {
  const parsed = parseCallback(input);
  if (!parsed.ok) return record(ctx, { kind: 'callback-invalid', issues: parsed.issues });
  const n = parsed.notification;
  const key = `${n.payoutId}:${n.statusCode}`;
  const final = finalOutcome(n.state);
  if (ctx.s.seenCallbacks.includes(key)) {
    return record(ctx, { kind: 'callback', note: 'duplicate', notification: n });
  }
  set(ctx, { seenCallbacks: [...ctx.s.seenCallbacks, key] });
  if (final === null && ctx.s.callback !== null) {
    return record(ctx, { kind: 'callback', note: 'stale', notification: n });
  }
  record(ctx, { kind: 'callback', note: 'new', notification: n });
  const problem = identityProblem(ctx.s, n) ?? payoutIdProblem(ctx.s, n.payoutId);
  if (problem !== null) return escalate(ctx, problem.reason, problem.detail);
  if (final !== null) {
    const pending = ctx.s.callback;
    if (pending === null) {
      set(ctx, { callback: { payoutId: n.payoutId, state: n.state, confirmations: 0 } });
    } else if (finalOutcome(pending.state) !== final) {
      return escalate(ctx, 'conflict-callbacks', `callbacks said ${pending.state} and ${n.state}`);
    }
  }
  // Wake the loop: confirm by a query now, unless an activity runs (the submit's outcome or the
  // query's answer will use the callback) or nothing was submitted yet.
  if (!inConflict(ctx) && ctx.s.inFlight === 'none' && ctx.s.submits > 0) runQuery(ctx);
}

function onDecision(ctx: Ctx, via: DecisionChannel, input: unknown): void {
  const check = validateDecision(ctx.s, input, ctx.at);
  if (!check.ok) {
    const { rule, message, action, operatorId } = check;
    record(ctx, { kind: 'decision', via, accepted: false, rule, message, action, operatorId });
    set(ctx, {
      lastRejectedDecision: { rule, message, action, operatorId, at: iso(ctx.at) },
    });
    return;
  }
  const d: OperatorDecision = check.decision;
  record(ctx, { kind: 'decision', via, accepted: true, decision: d });
  switch (d.action) {
    case 'confirm-succeeded':
    case 'confirm-failed':
      return finish(ctx, d.action === 'confirm-succeeded' ? 'SUCCEEDED' : 'FAILED', {
        by: 'operator',
        operatorId: d.operatorId,
        reason: d.reason,
        action: d.action,
      });
    case 'resubmit':
      // A new create: its own grace window, deadline and answers; the old payout_id was never found.
      set(ctx, {
        escalation: null,
        callback: null,
        waitingUntil: null,
        highestRank: null,
        payoutId: null,
        lastQuery: null,
      });
      moveTo(ctx, 'SUBMITTING');
      return submit(ctx, 'operator-resubmit');
    case 'keep-waiting': {
      const current = ctx.s.gatewayState === null ? null : progressRank(ctx.s.gatewayState);
      set(ctx, {
        escalation: null,
        callback: null,
        waitingUntil: Date.parse(d.until),
        backoffStep: 0,
        highestRank: current,
      });
      moveTo(ctx, 'CONFIRMING');
      if (ctx.s.inFlight === 'none') scheduleRegular(ctx);
      return;
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------

function set(ctx: Ctx, patch: Partial<PayoutState>): void {
  ctx.s = { ...ctx.s, ...patch };
}

function record(ctx: Ctx, body: EvidenceBody): void {
  set(ctx, { evidence: appendEvidence(ctx.s.evidence, body, ctx.at, ctx.policy) });
}

function answered(ctx: Ctx, kind: PayoutState['lastQuery']): void {
  set(ctx, { inFlight: 'none', checks: ctx.s.checks + 1, lastQuery: kind });
}

function moveTo(ctx: Ctx, status: PayoutStatus): void {
  if (ctx.s.status === status) return;
  record(ctx, { kind: 'status', from: ctx.s.status, to: status });
  set(ctx, { status });
  ctx.commands.push({ type: 'upsert-status', status });
}

function submit(ctx: Ctx, origin: SubmitOrigin): void {
  set(ctx, { inFlight: 'submit', submits: ctx.s.submits + 1, nextCheckAt: null });
  ctx.commands.push({ type: 'submit', origin });
}

function runQuery(ctx: Ctx): void {
  set(ctx, { inFlight: 'query', nextCheckAt: null });
  ctx.commands.push({ type: 'run-query' });
}

function scheduleIn(ctx: Ctx, delayMs: number): void {
  set(ctx, { nextCheckAt: ctx.at + delayMs });
  ctx.commands.push({ type: 'schedule-check', delayMs, at: ctx.at + delayMs });
}

function scheduleRegular(ctx: Ctx): void {
  const delay = regularDelay(ctx.s, ctx.policy, ctx.at, ctx.random);
  set(ctx, { backoffStep: ctx.s.backoffStep + 1 });
  scheduleIn(ctx, delay);
}

function scheduleReview(ctx: Ctx): void {
  scheduleIn(ctx, reviewDelay(ctx.policy, ctx.random));
}

/**
 * Records an escalation and moves to NEEDS_REVIEW (after a running submit, if one runs). A
 * conflict replaces a "no answer yet" reason; otherwise the first reason stays and later ones are
 * only recorded.
 */
function escalate(ctx: Ctx, reason: EscalationReason, detail: string): void {
  const kind = escalationKind(reason);
  record(ctx, { kind: 'escalation', reason, escalationKind: kind, detail });
  const current = ctx.s.escalation;
  if (current === null || (current.kind === 'no-answer' && kind === 'conflict')) {
    set(ctx, { escalation: { reason, kind, detail, at: iso(ctx.at) }, waitingUntil: null });
  }
  if (ctx.s.inFlight !== 'submit') moveTo(ctx, 'NEEDS_REVIEW');
}

function finish(ctx: Ctx, status: 'SUCCEEDED' | 'FAILED' | 'REJECTED', by: Resolution): void {
  moveTo(ctx, status);
  const { s } = ctx;
  const result = {
    status,
    merchantOrderId: s.merchantOrderId,
    platformId: s.platformId,
    payoutId: s.payoutId,
    gatewayState: s.gatewayState,
    resolvedBy: by,
    resolvedAt: iso(ctx.at),
    evidence: s.evidence,
  };
  set(ctx, { resolution: by, result, nextCheckAt: null });
  ctx.commands.push({ type: 'finish', result });
}

function inConflict(ctx: Ctx): boolean {
  return ctx.s.escalation?.kind === 'conflict';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

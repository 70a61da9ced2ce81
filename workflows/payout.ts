import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TemporalFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setDefaultSignalHandler,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  WorkflowExecutionAlreadyStartedError,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import type { PayoutActivities, SubmitResult } from '../activities/types.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutEscalationKey,
  PayoutFailureType,
  PayoutReviewSinceKey,
  PayoutStatusKey,
  PayoutWaitingUntilKey,
  PlatformIdKey,
  checkNowUpdate,
  operatorDecisionSignal,
  operatorDecisionUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
  type DecisionReceipt,
  type PayoutResult,
  type PayoutStatusView,
  type PayoutWorkflowInput,
  type SubmitOrigin,
} from './api.js';
import {
  allowedDecisions,
  decide,
  type PayoutCommand,
  type PayoutEvent,
  type PayoutHappening,
} from './decide.js';
import type { DecisionChannel } from './decisions.js';
import {
  disputeNewsSignal,
  disputeWorkflowId,
  payoutDisputeWorkflow,
  type DisputeNews,
} from './dispute.js';
import { currentDetails } from './details.js';
import { formatDuration } from '../vocabulary/duration.js';
import { parsePayoutWorkflowInput, type ParsedPayoutInput } from './input.js';
import { INLINE_FIRST_CHECK_MAX_MS } from './policy.js';
import { initialState, toStatusView, type PayoutState } from './state.js';
import { observePayout } from './metrics.js';

/**
 * One payout: submit (the gateway is asked first, then at most one create), then wait and check
 * until the gateway reports a final state or a person decides. Every decision is made by
 * `decide`; this function feeds it events and carries out its commands. Fails with a
 * non-retryable `InvalidPayoutInput` when the input is invalid or for another merchant.
 */
export async function payoutWorkflow(input: PayoutWorkflowInput): Promise<PayoutResult> {
  const info = workflowInfo();
  const parsed = parsePayoutWorkflowInput(input, info);
  if (!parsed.ok) {
    throw invalidInput(parsed.issues.map((i) => `${i.field}: ${i.rule}`).join('; '));
  }
  const { request, platformId, resume } = parsed.value;
  const payout = new Payout(
    resume ??
      initialState(
        { merchantOrderId: request.merchantOrderId, platformId, amountCents: request.amountCents },
        Date.now(),
      ),
    parsed.value,
  );
  payout.showState();

  setHandler(payoutStatusQuery, () => payout.view(), {
    description: 'The payout: status, gateway answers, escalation, decisions open now, evidence.',
  });
  setHandler(checkNowUpdate, (request) => payout.checkNow(request), {
    description:
      'Asks the gateway now and answers with the status after its answer. Example: {"operatorId":"alice"}',
  });
  setHandler(payoutCallbackSignal, (payload) => void payout.apply({ type: 'callback', payload }), {
    description: 'For the callback receiver only: a callback whose sign it verified.',
  });
  setHandler(operatorDecisionSignal, (decision) => void payout.whenIdle('signal', decision), {
    description:
      'An operator decision without an answer; prefer the update applyOperatorDecision. Example: {"action":"keep-waiting","operatorId":"alice","reason":"bank holiday","for":"24h"}',
  });
  setHandler(operatorDecisionUpdate, (decision) => payout.decideNow(decision), {
    description:
      'An operator decision; answers with the receipt, or with the rule it breaks. Example: {"action":"confirm-failed","operatorId":"alice","reason":"gateway support: order failed"}; add "override":"<why>" when the gateway last reported otherwise.',
  });
  setDefaultSignalHandler((name) => void payout.apply({ type: 'unknown-signal', name }));
  CancellationScope.current().cancelRequested.catch(() =>
    payout.apply({ type: 'cancel-requested' }),
  );

  // A cancel request is an event, not an ending: the gateway order may still pay.
  return CancellationScope.nonCancellable(async () => {
    if (resume === null) payout.apply({ type: 'start' });
    while (!payout.isFinal()) {
      const activity = payout.takeActivity();
      if (activity !== null) await payout.run(activity);
      else {
        const due = await payout.checkIsDue();
        // Decided after a timer or news: points every replay meets at the same history length.
        if (payout.shouldContinueAsNew() && !payout.hasActivity()) {
          await condition(allHandlersFinished);
          if (payout.isFinal() || payout.hasActivity()) continue;
          payout.apply({ type: 'continue-as-new' });
          return continueAsNew<typeof payoutWorkflow>({
            request,
            platformId,
            ...(input.policy !== undefined ? { policy: input.policy } : {}),
            resume: payout.state,
          });
        }
        if (due) payout.apply({ type: 'timer-fired' });
      }
    }
    await condition(allHandlersFinished);
    await payout.disputesStarted();
    return payout.result();
  });
}

type Activity = Extract<PayoutCommand, { type: 'submit' | 'query' }>;

/** The running payout: its state, and the commands `decide` gave it. */
class Payout {
  private activity: Activity | null = null;
  private readonly disputes: Promise<void>[] = [];
  private readonly searchAttributes = new SearchAttributeMirror();
  private readonly submitPayout;

  constructor(
    public state: PayoutState,
    private readonly input: ParsedPayoutInput,
  ) {
    const { policy } = input;
    // Exactly one attempt: a create that timed out may have reached the gateway.
    this.submitPayout = proxyActivities<PayoutActivities>({
      startToCloseTimeout: policy.submitTimeout,
      scheduleToCloseTimeout: policy.submitScheduleToCloseTimeout,
      // No summary: the activity's name says it, and a summary is stored in every history.
      retry: { maximumAttempts: 1 },
    }).submitPayout;
  }

  /** Read-only, so retried, and local: no history events of its own. Named for the UI. */
  private queryPayoutStatus(check: number) {
    const { policy } = this.input;
    return proxyLocalActivities<PayoutActivities>({
      startToCloseTimeout: policy.queryTimeout,
      retry: {
        initialInterval: policy.queryRetryInterval,
        backoffCoefficient: 2,
        maximumAttempts: policy.queryMaxAttempts,
      },
      summary: `status check ${check}`,
    }).queryPayoutStatus;
  }

  view(): PayoutStatusView {
    return toStatusView(this.state, allowedDecisions(this.state, Date.now()));
  }

  /** Search attributes and the UI's current details follow the state. */
  showState(): void {
    this.searchAttributes.sync(this.state, this.input);
    setCurrentDetails(
      currentDetails(this.state, allowedDecisions(this.state, Date.now()), Date.now()),
    );
  }

  /**
   * Hands one event to `decide` and carries out its commands. `at` defaults to the workflow
   * time now; a local activity's answer passes the time it was asked at instead, since the
   * workflow time on its return can differ between the first run and a replay.
   */
  apply(happening: PayoutHappening, at = Date.now(), show = true): ReturnType<typeof decide> {
    const event = { ...happening, at, random: Math.random() } as PayoutEvent;
    const next = decide(this.state, event, this.input.policy);
    observePayout(this.state, next.state, Date.now());
    this.state = next.state;
    for (const command of next.commands) {
      if (command.type === 'dispute') this.disputes.push(this.openDispute(command));
      else this.activity = command;
    }
    if (show) this.showState();
    return next;
  }

  /** An operator decision takes effect once no gateway call runs, so its answer comes first. */
  async whenIdle(via: DecisionChannel, input: unknown): Promise<ReturnType<typeof decide>> {
    await CancellationScope.nonCancellable(() =>
      condition(() => this.state.busy === 'none' || this.isFinal()),
    );
    return this.apply({ type: 'operator-decision', via, input });
  }

  /** A status check now, by update: the status after the gateway's answer. */
  async checkNow(request: unknown): Promise<PayoutStatusView> {
    const operatorId = (request as { operatorId?: unknown } | null)?.operatorId;
    if (typeof operatorId !== 'string' || operatorId.trim() === '') {
      throw refusal('invalid-input: operatorId: required, a non-empty string');
    }
    if (this.isFinal()) throw refusal(`payout-final: the payout is already ${this.state.status}`);
    const before = this.state.checks.count;
    this.apply({ type: 'check-requested', operatorId });
    await CancellationScope.nonCancellable(() =>
      condition(() => this.state.checks.count > before || this.isFinal()),
    );
    return this.view();
  }

  /** A decision by update: the receipt, or the refusal with its rule (recorded either way). */
  async decideNow(input: unknown): Promise<DecisionReceipt> {
    const next = await this.whenIdle('update', input);
    if (next.refused !== undefined) throw refusal(next.refused.message);
    return { accepted: true, action: next.accepted!, status: this.state.status };
  }

  isFinal(): boolean {
    return this.state.result !== null;
  }

  hasActivity(): boolean {
    return this.activity !== null;
  }

  takeActivity(): Activity | null {
    const activity = this.activity;
    this.activity = null;
    return activity;
  }

  result(): PayoutResult {
    if (this.state.result === null) throw new Error('the payout is not final');
    return this.state.result;
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.input.policy.maxRunEvents;
  }

  /**
   * Waits for the next check, or for news (a callback, a decision) that changes the state;
   * true when the check is due. Always through a timer, even one already due: whether to start
   * one must not depend on how late the workflow time is after a local activity.
   */
  async checkIsDue(): Promise<boolean> {
    const before = this.state;
    const due = before.checks.nextAt;
    const changed = () => this.state !== before;
    if (due === null) {
      await condition(changed);
      return false;
    }
    const wait = Math.max(1, due - Date.now());
    const summary = `wait ${formatDuration(wait)} for ${before.checks.next === 'submit' ? 'the submit again' : `status check ${before.checks.count + 1}`}`;
    return !(await condition(changed, wait, { summary }));
  }

  async run(activity: Activity): Promise<void> {
    if (activity.type === 'submit') return this.submit(activity.origin);
    const { merchantOrderId, amountCents } = this.input.request;
    const askedAt = Date.now();
    try {
      const outcome = await this.queryPayoutStatus(this.state.checks.count + 1)({
        merchantOrderId,
        amountCents,
      });
      this.apply({ type: 'query-outcome', outcome }, askedAt);
    } catch (err) {
      // A local activity that failed after its retries surfaces its own failure (an
      // ApplicationFailure, a timeout), not an ActivityFailure around it.
      if (!isActivityFailure(err) && !isLocalActivityFailure(err)) throw err;
      this.apply({ type: 'query-failed', detail: describe(err) }, askedAt);
    }
  }

  private async submit(origin: SubmitOrigin): Promise<void> {
    let result: SubmitResult;
    const { firstCheckDelay } = this.input.policy;
    try {
      result = await this.submitPayout({
        request: this.input.request,
        platformId: this.input.platformId,
        origin,
        ...(firstCheckDelay <= INLINE_FIRST_CHECK_MAX_MS
          ? { firstCheckAfterMs: firstCheckDelay }
          : {}),
      });
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      const cause = err.cause;
      if (cause instanceof ApplicationFailure && cause.type === 'PlatformMismatch') {
        throw invalidInput(`platformId: ${cause.message}`);
      }
      this.apply({ type: 'submit-failed', origin, detail: describe(err) });
      return;
    }
    if (result.kind !== 'sent' || result.firstCheck === undefined) {
      this.apply({ type: 'submit-outcome', origin, result });
      return;
    }
    // The first check ran inside the submit: it is the check the schedule asks for next, and
    // the state is shown once, after its answer (one search-attribute write, not two).
    this.apply({ type: 'submit-outcome', origin, result }, Date.now(), false);
    if (this.waitsForCheck()) {
      this.apply({ type: 'timer-fired' }, Date.now(), false);
      const query = this.takeActivity();
      if (query?.type !== 'query') throw new Error('a due check must run a status query');
      this.apply({ type: 'query-outcome', outcome: result.firstCheck }, Date.now(), false);
    }
    this.showState();
  }

  /** True when nothing runs and the next step is a regular status check on a timer. */
  private waitsForCheck(): boolean {
    const { busy, checks } = this.state;
    return (
      busy === 'none' && this.activity === null && checks.next === 'query' && checks.nextAt !== null
    );
  }

  private async openDispute(command: Extract<PayoutCommand, { type: 'dispute' }>): Promise<void> {
    const result = this.state.result!;
    const news: DisputeNews = {
      source: 'callback',
      reason: 'final-contradicted',
      state: command.news.state,
      payoutId: command.news.payoutId,
      amountCents: command.news.amountCents,
      detail: command.detail,
      at: new Date().toISOString(),
    };
    const workflowId = disputeWorkflowId(result.platformId, result.merchantOrderId);
    try {
      await startChild(payoutDisputeWorkflow, {
        workflowId,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [
          {
            merchantOrderId: result.merchantOrderId,
            platformId: result.platformId,
            final: {
              status: result.status,
              payoutId: result.payoutId,
              gatewayState: result.gatewayState,
              resolvedAt: result.resolvedAt,
            },
            news,
          },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await getExternalWorkflowHandle(workflowId).signal(disputeNewsSignal, news);
    }
  }

  disputesStarted(): Promise<unknown> {
    return Promise.all(this.disputes);
  }
}

/** Patch id: PayoutEscalation is cleared when the payout is final. */
const ESCALATION_CLEARED_AT_FINAL = 'payout-escalation-cleared-at-final';

/**
 * Keeps the search attributes equal to the state: the identity ones when a start outside the
 * client library did not set them, then PayoutStatus, PayoutEscalation, PayoutReviewSince and
 * PayoutWaitingUntil whenever they change. Nothing is written that the start already said.
 */
class SearchAttributeMirror {
  private readonly shown = workflowInfo().typedSearchAttributes;
  private status = this.shown.get(PayoutStatusKey);
  private escalation = this.shown.get(PayoutEscalationKey) ?? null;
  private reviewSince = this.shown.get(PayoutReviewSinceKey)?.getTime() ?? null;
  private waitingUntil = this.shown.get(PayoutWaitingUntilKey)?.getTime() ?? null;
  private identityDone = false;

  sync(state: PayoutState, input: ParsedPayoutInput): void {
    const pairs: SearchAttributeUpdatePair[] = [];
    if (!this.identityDone) {
      this.identityDone = true;
      if (this.shown.get(MerchantOrderIdKey) === undefined) {
        pairs.push({ key: MerchantOrderIdKey, value: input.request.merchantOrderId });
      }
      if (this.shown.get(PlatformIdKey) === undefined) {
        pairs.push({ key: PlatformIdKey, value: input.platformId });
      }
      if (this.shown.get(AmountCentsKey) === undefined) {
        pairs.push({ key: AmountCentsKey, value: input.request.amountCents });
      }
    }
    if (state.status !== this.status) {
      this.status = state.status;
      pairs.push({ key: PayoutStatusKey, value: state.status });
    }
    // A final payout keeps its escalation in its result, not in the list's "why it waits"
    // column. Runs recorded before this change kept it: the patch leaves their history as it was,
    // and a payout never escalated records no patch marker at all.
    const cleared =
      state.result !== null && this.escalation !== null && patched(ESCALATION_CLEARED_AT_FINAL);
    const escalation = cleared ? null : (state.review.escalation?.reason ?? null);
    if (escalation !== this.escalation) {
      this.escalation = escalation;
      pairs.push({ key: PayoutEscalationKey, value: escalation });
    }
    if (state.review.since !== this.reviewSince) {
      this.reviewSince = state.review.since;
      pairs.push({ key: PayoutReviewSinceKey, value: dateOrNull(state.review.since) });
    }
    if (state.review.waitingUntil !== this.waitingUntil) {
      this.waitingUntil = state.review.waitingUntil;
      pairs.push({ key: PayoutWaitingUntilKey, value: dateOrNull(state.review.waitingUntil) });
    }
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  }
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function refusal(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: PayoutFailureType.InvalidOperatorDecision,
    nonRetryable: true,
    message,
  });
}

/** Only an activity's own failure is evidence; cancellation and workflow bugs propagate. */
function isActivityFailure(err: unknown): err is ActivityFailure {
  return err instanceof ActivityFailure && !isCancellation(err);
}

function isLocalActivityFailure(err: unknown): err is TemporalFailure {
  return err instanceof TemporalFailure && !isCancellation(err);
}

function describe(err: TemporalFailure): string {
  const cause = err.cause;
  const text = cause ? `${cause.name}: ${cause.message}` : err.message;
  return text.slice(0, 500);
}

function invalidInput(detail: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: PayoutFailureType.InvalidPayoutInput,
    nonRetryable: true,
    message: `Invalid payout input: ${detail}`,
  });
}

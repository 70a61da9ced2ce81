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
  proxyActivities,
  proxyLocalActivities,
  setDefaultSignalHandler,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { PayoutActivities, SubmitResult } from '../activities/types.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutFailureType,
  PayoutStatusKey,
  PlatformIdKey,
  operatorDecisionSignal,
  operatorDecisionUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
  type DecisionReceipt,
  type PayoutResult,
  type PayoutStatus,
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
import { parsePayoutWorkflowInput, type ParsedPayoutInput } from './input.js';
import { initialState, toStatusView, type PayoutState } from './state.js';

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
  publishIdentity(parsed.value, payout.state.status);

  setHandler(
    payoutStatusQuery,
    () => toStatusView(payout.state, allowedDecisions(payout.state, Date.now())),
    {
      description: 'The payout: status, gateway answers, escalation, decisions open now, evidence.',
    },
  );
  setHandler(payoutCallbackSignal, (payload) => void payout.apply({ type: 'callback', payload }), {
    description: 'For the callback receiver only: a callback whose sign it verified.',
  });
  setHandler(operatorDecisionSignal, (decision) => void payout.whenIdle('signal', decision), {
    description:
      'An operator decision without an answer; prefer the update applyOperatorDecision. Example: {"action":"keep-waiting","operatorId":"alice","reason":"bank holiday","for":"24h"}',
  });
  setHandler(operatorDecisionUpdate, (decision) => payout.decideNow(decision), {
    description:
      'An operator decision; answers with the receipt, or with the rule it breaks. Example: {"action":"confirm-failed","operatorId":"alice","reason":"gateway support: order failed"}',
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
  private readonly submitPayout;
  private readonly queryPayoutStatus;

  constructor(
    public state: PayoutState,
    private readonly input: ParsedPayoutInput,
  ) {
    const { policy } = input;
    // Exactly one attempt: a create that timed out may have reached the gateway.
    this.submitPayout = proxyActivities<PayoutActivities>({
      startToCloseTimeout: policy.submitTimeout,
      scheduleToCloseTimeout: policy.submitScheduleToCloseTimeout,
      retry: { maximumAttempts: 1 },
    }).submitPayout;
    // Read-only, so retried, and local: no history events of its own.
    this.queryPayoutStatus = proxyLocalActivities<PayoutActivities>({
      startToCloseTimeout: policy.queryTimeout,
      retry: {
        initialInterval: policy.queryRetryInterval,
        backoffCoefficient: 2,
        maximumAttempts: policy.queryMaxAttempts,
      },
    }).queryPayoutStatus;
  }

  /**
   * Hands one event to `decide` and carries out its commands. `at` defaults to the workflow
   * time now; a local activity's answer passes the time it was asked at instead, since the
   * workflow time on its return can differ between the first run and a replay.
   */
  apply(happening: PayoutHappening, at = Date.now()): ReturnType<typeof decide> {
    const event = { ...happening, at, random: Math.random() } as PayoutEvent;
    const next = decide(this.state, event, this.input.policy);
    this.state = next.state;
    for (const command of next.commands) {
      if (command.type === 'publish') publishStatus(command.status);
      else if (command.type === 'dispute') this.disputes.push(this.openDispute(command));
      else this.activity = command;
    }
    return next;
  }

  /** An operator decision takes effect once no gateway call runs, so its answer comes first. */
  async whenIdle(via: DecisionChannel, input: unknown): Promise<ReturnType<typeof decide>> {
    await CancellationScope.nonCancellable(() =>
      condition(() => this.state.busy === 'none' || this.isFinal()),
    );
    return this.apply({ type: 'operator-decision', via, input });
  }

  /** A decision by update: the receipt, or the refusal with its rule (recorded either way). */
  async decideNow(input: unknown): Promise<DecisionReceipt> {
    const next = await this.whenIdle('update', input);
    if (next.refused !== undefined) {
      throw ApplicationFailure.create({
        type: PayoutFailureType.InvalidOperatorDecision,
        nonRetryable: true,
        message: next.refused.message,
      });
    }
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
    return !(await condition(changed, Math.max(1, due - Date.now())));
  }

  async run(activity: Activity): Promise<void> {
    if (activity.type === 'submit') return this.submit(activity.origin);
    const { merchantOrderId, amountCents } = this.input.request;
    const askedAt = Date.now();
    try {
      const outcome = await this.queryPayoutStatus({ merchantOrderId, amountCents });
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
    try {
      result = await this.submitPayout({
        request: this.input.request,
        platformId: this.input.platformId,
        origin,
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
    this.apply({ type: 'submit-outcome', origin, result });
  }

  private async openDispute(command: Extract<PayoutCommand, { type: 'dispute' }>): Promise<void> {
    const result = this.state.result!;
    const news: DisputeNews = {
      source: 'callback',
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

/** Sets the identity search attributes a start outside the client library did not set. */
function publishIdentity(input: ParsedPayoutInput, status: PayoutStatus): void {
  const have = workflowInfo().typedSearchAttributes;
  const missing: SearchAttributePair[] = [];
  if (have.get(MerchantOrderIdKey) === undefined) {
    missing.push({ key: MerchantOrderIdKey, value: input.request.merchantOrderId });
  }
  if (have.get(PlatformIdKey) === undefined)
    missing.push({ key: PlatformIdKey, value: input.platformId });
  if (have.get(AmountCentsKey) === undefined) {
    missing.push({ key: AmountCentsKey, value: input.request.amountCents });
  }
  if (have.get(PayoutStatusKey) !== status) missing.push({ key: PayoutStatusKey, value: status });
  if (missing.length > 0) upsertSearchAttributes(missing);
}

function publishStatus(status: PayoutStatus): void {
  upsertSearchAttributes([{ key: PayoutStatusKey, value: status }]);
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

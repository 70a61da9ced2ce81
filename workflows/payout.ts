import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PayoutActivities } from '../activities/types.js';
import { decide } from './decide.js';
import { validateDecision } from './decisions.js';
import {
  INVALID_OPERATOR_DECISION,
  INVALID_PAYOUT_INPUT,
  operatorDecisionSignal,
  operatorDecisionUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
} from './definitions.js';
import type { PayoutCommand, PayoutEvent } from './events.js';
import { parsePayoutWorkflowInput } from './input.js';
import { PayoutStatusKey } from './search-attributes.js';
import { initialState, type PayoutState } from './state.js';
import type { PayoutResult, PayoutStatus, PayoutWorkflowInput } from './types.js';
import { toStatusView } from './view.js';

/**
 * One payout, from its single submit to a confirmed final status. A thin driver: every decision
 * is made by `decide` (workflows/decide.ts); this function feeds it events (activity outcomes,
 * signals, updates, timers) and carries out its commands. Fails with a non-retryable
 * `ApplicationFailure` of type `InvalidPayoutInput` when the input is invalid.
 */
export async function payoutWorkflow(input: PayoutWorkflowInput): Promise<PayoutResult> {
  const parsed = parsePayoutWorkflowInput(input, workflowInfo().workflowId);
  if (!parsed.ok) {
    throw ApplicationFailure.create({
      type: INVALID_PAYOUT_INPUT,
      nonRetryable: true,
      message: `Invalid payout input: ${parsed.issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`,
      details: [parsed.issues],
    });
  }
  const { request, platformId, policy, resume } = parsed.value;

  // Exactly one attempt: a create that timed out may have reached the gateway.
  const { submitPayout } = proxyActivities<PayoutActivities>({
    startToCloseTimeout: policy.submitTimeout,
    scheduleToCloseTimeout: policy.submitScheduleToCloseTimeout,
    retry: { maximumAttempts: 1 },
  });
  // Read-only, so retried; failing after the retries is "query unavailable" evidence.
  const { queryPayoutStatus } = proxyActivities<PayoutActivities>({
    startToCloseTimeout: policy.queryTimeout,
    retry: {
      initialInterval: policy.queryRetryInterval,
      backoffCoefficient: 2,
      maximumAttempts: policy.queryMaxAttempts,
    },
  });

  let state: PayoutState =
    resume ??
    initialState(
      { merchantOrderId: request.merchantOrderId, platformId, amountCents: request.amountCents },
      Date.now(),
      policy,
    );
  /** Bumped on every event, so the loop wakes when a signal or update changed something. */
  let version = 0;
  const work: Extract<PayoutCommand, { type: 'submit' | 'run-query' }>[] = [];

  const apply = (event: PayoutEvent): void => {
    const next = decide(state, { ...event, random: Math.random() }, policy);
    state = next.state;
    version += 1;
    for (const command of next.commands) {
      if (command.type === 'upsert-status') upsertStatus(command.status);
      else if (command.type === 'submit' || command.type === 'run-query') work.push(command);
      // schedule-check is state.nextCheckAt, which the loop waits for; finish is state.result.
    }
  };

  // Submit before the handlers are set: signals buffered with the start are applied after it.
  if (resume === null) apply({ type: 'start', at: Date.now() });
  else upsertStatus(state.status);

  setHandler(payoutStatusQuery, () => toStatusView(state));
  setHandler(payoutCallbackSignal, (notification) =>
    apply({ type: 'callback', notification, at: Date.now() }),
  );
  setHandler(operatorDecisionSignal, (decision) =>
    apply({ type: 'operator-decision', via: 'signal', input: decision, at: Date.now() }),
  );
  setHandler(
    operatorDecisionUpdate,
    (decision) => {
      const check = validateDecision(state, decision, Date.now());
      apply({ type: 'operator-decision', via: 'update', input: decision, at: Date.now() });
      if (!check.ok) throw invalidDecision(check.message);
      return { accepted: true, action: check.decision.action, status: state.status };
    },
    {
      validator: (decision) => {
        const check = validateDecision(state, decision, Date.now());
        if (!check.ok) throw invalidDecision(check.message);
      },
    },
  );

  async function execute(command: (typeof work)[number]): Promise<void> {
    if (command.type === 'submit') {
      const { origin } = command;
      try {
        const outcome = await submitPayout({ request, origin });
        apply({ type: 'submit-outcome', origin, outcome, at: Date.now() });
      } catch (err) {
        if (!isActivityFailure(err)) throw err;
        apply({ type: 'submit-failed', origin, detail: describe(err), at: Date.now() });
      }
      return;
    }
    try {
      const outcome = await queryPayoutStatus({
        merchantOrderId: request.merchantOrderId,
        amountCents: request.amountCents,
      });
      apply({ type: 'query-outcome', outcome, at: Date.now() });
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      apply({ type: 'query-unavailable', detail: describe(err), at: Date.now() });
    }
  }

  let iterations = 0;
  while (currentResult(state) === null) {
    const command = work.shift();
    if (command !== undefined) {
      await execute(command);
      iterations += 1;
      continue;
    }
    if (iterations >= policy.maxIterationsPerRun || workflowInfo().continueAsNewSuggested) {
      // Let handlers finish, and act on anything they queued, before the state is carried over.
      await condition(allHandlersFinished);
      if (work.length > 0 || currentResult(state) !== null) continue;
      apply({ type: 'continue-as-new', at: Date.now() });
      return continueAsNew<typeof payoutWorkflow>({
        request,
        platformId,
        ...(input.policy !== undefined ? { policy: input.policy } : {}),
        resume: state,
      });
    }
    const seen = version;
    const due = state.nextCheckAt;
    if (due === null) {
      await condition(() => version !== seen);
      continue;
    }
    const wait = due - Date.now();
    if (wait > 0 && (await condition(() => version !== seen, wait))) continue;
    apply({ type: 'timer-fired', at: Date.now() });
    iterations += 1;
  }
  await condition(allHandlersFinished);
  return currentResult(state)!;
}

/** Read through a function: `state` changes in handlers, which control-flow narrowing misses. */
function currentResult(state: PayoutState): PayoutResult | null {
  return state.result;
}

function upsertStatus(status: PayoutStatus): void {
  upsertSearchAttributes([{ key: PayoutStatusKey, value: status }]);
}

/** Only an activity's own failure is evidence; cancellation and workflow bugs propagate. */
function isActivityFailure(err: unknown): err is ActivityFailure {
  return err instanceof ActivityFailure && !isCancellation(err);
}

function describe(err: ActivityFailure): string {
  const cause = err.cause;
  const text = cause ? `${cause.name}: ${cause.message}` : err.message;
  return text.slice(0, 500);
}

function invalidDecision(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: INVALID_OPERATOR_DECISION,
    nonRetryable: true,
    message,
  });
}

import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ValidationError } from '../src/errors.js';
import { meteredGateway } from '../src/metrics/gateway.js';
import type { QueryOutcome, SubmitOutcome } from '../vocabulary/gateway.js';
import type { PayoutRequest } from '../src/client/request.js';
import type {
  PayoutActivities,
  QueryPayoutStatusInput,
  SubmitPayoutInput,
  SubmitResult,
} from './types.js';

/** The part of the gateway client the activities use. */
export interface PayoutGateway {
  /** The merchant id the client signs for (`GATEWAY_PLATFORM_ID`). */
  readonly platformId: string;
  /** One create call; throws `ValidationError` before sending anything it cannot send. */
  submitPayout(request: PayoutRequest): Promise<SubmitOutcome>;
  queryPayout(input: QueryPayoutStatusInput): Promise<QueryOutcome>;
}

/** What the worker hands to {@link createActivities}. */
export interface ActivityDeps {
  readonly gateway: PayoutGateway;
}

/** Failure types the workflow may see from the activities; stable across releases. */
export const ActivityFailureType = {
  /** The payout is for another merchant than the worker's gateway: nothing was sent. */
  PlatformMismatch: 'PlatformMismatch',
  /** The gateway gave no usable answer to a status query; retried by the retry policy. */
  GatewayUnavailable: 'GatewayUnavailable',
} as const;

/**
 * Where a gateway client detail goes on to quote the gateway's own text (src/gateway/response.ts,
 * query.ts): after an HTTP status, a body that is not JSON or not an object, an error code.
 */
const QUOTES_AFTER = /^(HTTP \d{3}|body is not JSON|body is not a JSON object|error_code [^:]*): /;

/**
 * A detail without the gateway's text: a failure is logged by the worker at every attempt, and
 * a gateway may echo anything in its answers (the recipient's details, signs).
 */
function ownWords(detail: string): string {
  return QUOTES_AFTER.exec(detail)?.[1] ?? detail;
}

/** Left to report the create after the inline first check, out of the attempt's time. */
const FIRST_CHECK_MARGIN_MS = 2_000;
/** The inline first check runs only with at least this much time for its query. */
const FIRST_CHECK_MIN_MS = 1_000;
/** The longest the inline first check waits for its query's answer. */
const FIRST_CHECK_MAX_MS = 10_000;

/** What is left of this attempt's start-to-close and schedule-to-close timeouts, in ms. */
function remainingMs(startedAt: number): number {
  const info = Context.current().info;
  const now = Date.now();
  return Math.min(
    info.startToCloseTimeoutMs - (now - startedAt),
    info.scheduleToCloseTimeoutMs > 0
      ? info.scheduleToCloseTimeoutMs - (now - info.scheduledTimestampMs)
      : Infinity,
  );
}

/** The gateway's "invalid Authorization": retrying cannot help until the configuration changes. */
const INVALID_AUTHORIZATION_CODE = '0006';

/**
 * Builds the payout activities around an injected gateway client. Logs carry the merchant order
 * id and the outcome, never credentials or recipient details.
 */
export function createActivities(deps: ActivityDeps): PayoutActivities {
  // Every gateway call is timed and counted by outcome on the worker's metrics endpoint.
  const gateway = meteredGateway(deps.gateway);
  return {
    async submitPayout(input: SubmitPayoutInput): Promise<SubmitResult> {
      const { request, platformId, origin } = input;
      const startedAt = Date.now();
      const merchantOrderId = request.merchantOrderId;
      if (platformId !== gateway.platformId) {
        throw ApplicationFailure.nonRetryable(
          `the payout is for merchant ${platformId}, this worker's gateway is configured for ${gateway.platformId}: nothing was sent`,
          ActivityFailureType.PlatformMismatch,
        );
      }
      // The gateway, not the workflow id, guards the create: ask it before every create.
      const precheck = await gateway.queryPayout({
        merchantOrderId,
        amountCents: request.amountCents,
      });
      const created = await createUnlessKnown(request, precheck);
      const result = await withFirstCheck(created, input, startedAt);
      log.info('payout submit', {
        merchantOrderId,
        origin,
        precheck: precheck.kind,
        result: result.kind === 'sent' ? result.outcome.kind : result.kind,
        ...(result.kind === 'sent' && result.outcome.kind === 'unknown'
          ? { reason: result.outcome.reason }
          : {}),
        ...(result.kind === 'sent' && result.outcome.kind === 'rejected'
          ? { code: result.outcome.code }
          : {}),
        ...(result.kind === 'sent' && result.firstCheck !== undefined
          ? { firstCheck: result.firstCheck.kind }
          : {}),
      });
      return result;
    },

    async queryPayoutStatus(input: QueryPayoutStatusInput): Promise<QueryOutcome> {
      const outcome = await gateway.queryPayout(input);
      if (outcome.kind === 'unavailable' && outcome.code !== INVALID_AUTHORIZATION_CODE) {
        throw ApplicationFailure.retryable(
          `status query got no usable answer (${outcome.reason}${outcome.code ? ` ${outcome.code}` : ''}): ${ownWords(outcome.detail)}`,
          ActivityFailureType.GatewayUnavailable,
        );
      }
      log.info('payout status queried', {
        merchantOrderId: input.merchantOrderId,
        outcome: outcome.kind,
        ...(outcome.kind === 'found' ? { state: outcome.order.state } : {}),
      });
      return outcome;
    },
  };

  /**
   * The first status check inside the submit, when the workflow asked for one and the create was
   * accepted: a short wait here costs less than a durable timer and a workflow task, and on a
   * stock server fires closer to its time. Never throws, and leaves the attempt time to report
   * the create: the create's outcome is what this activity must not lose.
   */
  async function withFirstCheck(
    result: SubmitResult,
    { request, firstCheckAfterMs }: SubmitPayoutInput,
    startedAt: number,
  ): Promise<SubmitResult> {
    if (result.kind !== 'sent' || result.outcome.kind !== 'accepted') return result;
    if (firstCheckAfterMs === undefined) return result;
    const budget = remainingMs(startedAt) - FIRST_CHECK_MARGIN_MS - firstCheckAfterMs;
    if (budget < FIRST_CHECK_MIN_MS) return result;
    await sleep(firstCheckAfterMs);
    const giveUp = new AbortController();
    const answer = await Promise.race([
      gateway
        .queryPayout({ merchantOrderId: request.merchantOrderId, amountCents: request.amountCents })
        .catch(() => null),
      sleep(Math.min(budget, FIRST_CHECK_MAX_MS), null, { signal: giveUp.signal }).catch(
        () => null,
      ),
    ]).finally(() => giveUp.abort());
    // No answer in time: the workflow's own schedule checks, as it would have anyway.
    if (answer === null || answer.kind === 'unavailable') return result;
    return { ...result, firstCheck: answer };
  }

  async function createUnlessKnown(
    request: PayoutRequest,
    precheck: QueryOutcome,
  ): Promise<SubmitResult> {
    if (precheck.kind === 'found' || precheck.kind === 'mismatch') {
      return { kind: 'exists', precheck };
    }
    if (precheck.kind !== 'not-found') {
      return { kind: 'not-sent', reason: 'precheck-unanswered', precheck };
    }
    try {
      return { kind: 'sent', outcome: await gateway.submitPayout(request) };
    } catch (error) {
      // Thrown before any byte left: known not sent, not unknown.
      if (error instanceof ValidationError) {
        return { kind: 'not-sent', reason: 'unsendable', detail: error.message };
      }
      throw error;
    }
  }
}

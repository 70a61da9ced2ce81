import { ApplicationFailure, log } from '@temporalio/activity';
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
    async submitPayout({ request, platformId, origin }: SubmitPayoutInput): Promise<SubmitResult> {
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
      const result = await createUnlessKnown(request, precheck);
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

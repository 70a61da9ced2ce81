import { ApplicationFailure, log } from '@temporalio/activity';
import { ValidationError } from '../src/errors.js';
import type { QueryOutcome, SubmitOutcome } from '../src/gateway/types.js';
import type { PayoutRequest } from '../src/payout/request.js';
import type { PayoutActivities, QueryPayoutStatusInput, SubmitPayoutInput } from './types.js';

/** The part of the gateway client the activities use. */
export interface PayoutGateway {
  submitPayout(request: PayoutRequest): Promise<SubmitOutcome>;
  queryPayout(input: QueryPayoutStatusInput): Promise<QueryOutcome>;
}

/** What the worker hands to {@link createActivities}. */
export interface ActivityDeps {
  readonly gateway: PayoutGateway;
}

/** Failure types the workflow may see from the activities; stable across releases. */
export const ActivityFailureType = {
  /** The request broke a gateway rule; nothing was sent. */
  InvalidPayoutRequest: 'InvalidPayoutRequest',
  /** The gateway gave no usable answer to a status query; retried by the retry policy. */
  GatewayUnavailable: 'GatewayUnavailable',
  /** The gateway refused our query credentials (0006): retrying cannot help until config changes. */
  GatewayAuthorizationRejected: 'GatewayAuthorizationRejected',
} as const;

const INVALID_AUTHORIZATION_CODE = '0006';

/**
 * Builds the payout activities around an injected gateway client. Logs carry the merchant order
 * id and the outcome, never credentials or recipient details.
 */
export function createActivities({ gateway }: ActivityDeps): PayoutActivities {
  return {
    async submitPayout({ request, origin }: SubmitPayoutInput): Promise<SubmitOutcome> {
      let outcome: SubmitOutcome;
      try {
        outcome = await gateway.submitPayout(request);
      } catch (error) {
        if (error instanceof ValidationError) {
          throw ApplicationFailure.nonRetryable(
            error.message,
            ActivityFailureType.InvalidPayoutRequest,
          );
        }
        throw error;
      }
      log.info('payout submitted', {
        merchantOrderId: request.merchantOrderId,
        origin,
        outcome: outcome.kind,
        ...(outcome.kind === 'unknown' ? { reason: outcome.reason } : {}),
        ...(outcome.kind === 'rejected' ? { code: outcome.code } : {}),
      });
      return outcome;
    },

    async queryPayoutStatus(input: QueryPayoutStatusInput): Promise<QueryOutcome> {
      const outcome = await gateway.queryPayout(input);
      if (outcome.kind === 'unavailable') {
        const message = `status query got no usable answer (${outcome.reason}${outcome.code ? ` ${outcome.code}` : ''}): ${outcome.detail}`;
        if (outcome.code === INVALID_AUTHORIZATION_CODE) {
          throw ApplicationFailure.nonRetryable(
            message,
            ActivityFailureType.GatewayAuthorizationRejected,
          );
        }
        throw ApplicationFailure.retryable(message, ActivityFailureType.GatewayUnavailable);
      }
      log.info('payout status queried', {
        merchantOrderId: input.merchantOrderId,
        outcome: outcome.kind,
        ...(outcome.kind === 'found' ? { state: outcome.order.state } : {}),
      });
      return outcome;
    },
  };
}

import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { differingFields, startedInput } from './started-input.js';
import { randomUUID } from 'node:crypto';
import { ValidationError, toFieldIssues } from '../errors.js';
import { parsePayoutRequest, type PayoutRequest } from '../payout/request.js';
import type { OperatorDecisionInput } from '../../workflows/decisions.js';
import {
  INVALID_OPERATOR_DECISION,
  operatorDecisionUpdate,
  PAYOUT_TASK_QUEUE,
  PAYOUT_WORKFLOW_TYPE,
  payoutStatusQuery,
  payoutWorkflowId,
} from '../../workflows/definitions.js';
import { payoutPolicySchema, type PayoutPolicyInput } from '../../workflows/policy.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutStatusKey,
  PlatformIdKey,
} from '../../workflows/search-attributes.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import type {
  DecisionReceipt,
  PayoutResult,
  PayoutStatusView,
  PayoutWorkflowInput,
} from '../../workflows/types.js';
import {
  DecisionRejectedError,
  PayoutConflictError,
  PayoutNotFoundError,
  PayoutWaitTimeoutError,
  PayoutWorkflowFailedError,
} from './errors.js';

/** What {@link createPayoutClient} needs. */
export interface PayoutClientOptions {
  /** A connected Temporal client (see `connectionOptions` for local, mTLS or Temporal Cloud). */
  readonly client: Client;
  /** The merchant id at the gateway: part of every payout's workflow id. */
  readonly platformId: string;
  readonly taskQueue?: string;
}

/** A started (or already existing) payout. */
export interface StartedPayout {
  readonly merchantOrderId: string;
  readonly workflowId: string;
  /** False when this order id was already a payout: nothing new was started or sent. */
  readonly created: boolean;
}

/** The typed client library backend services use to start and follow payouts. */
export interface PayoutClient {
  /**
   * Starts the payout for `request` once. Starting the same order again, at once or a day later,
   * returns the same payout and sends nothing; the same order id with other details is a
   * {@link PayoutConflictError}. Throws `ValidationError` (nothing started) for bad input.
   */
  startPayout(request: unknown, options?: { policy?: PayoutPolicyInput }): Promise<StartedPayout>;
  /** The payout's current status, checks, escalation and evidence. */
  getPayout(merchantOrderId: string): Promise<PayoutStatusView>;
  /** Waits until the payout is final; {@link PayoutWaitTimeoutError} after `timeoutMs`. */
  waitForPayout(merchantOrderId: string, options?: { timeoutMs?: number }): Promise<PayoutResult>;
  /**
   * Applies an operator decision and answers at once: resolves with the receipt, or throws
   * {@link DecisionRejectedError} naming the rule (nothing changed).
   */
  resolvePayout(merchantOrderId: string, decision: OperatorDecisionInput): Promise<DecisionReceipt>;
}

type PayoutHandle = WorkflowHandle<typeof payoutWorkflow>;

/** Builds the payout client library on a Temporal client. */
export function createPayoutClient(options: PayoutClientOptions): PayoutClient {
  const { client, platformId } = options;
  const taskQueue = options.taskQueue ?? PAYOUT_TASK_QUEUE;
  const handleOf = (merchantOrderId: string): PayoutHandle =>
    client.workflow.getHandle<typeof payoutWorkflow>(payoutWorkflowId(platformId, merchantOrderId));

  async function exists(merchantOrderId: string): Promise<boolean> {
    try {
      await handleOf(merchantOrderId).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async function existing(request: PayoutRequest, workflowId: string): Promise<StartedPayout> {
    const started = await startedInput(handleOf(request.merchantOrderId));
    const differs = started ? differingFields(started.request, request) : [];
    if (differs.length > 0) throw new PayoutConflictError(request.merchantOrderId, differs);
    return { merchantOrderId: request.merchantOrderId, workflowId, created: false };
  }

  return {
    async startPayout(input, startOptions = {}) {
      const request = parsePayoutRequest(input);
      if (startOptions.policy !== undefined) {
        const policy = payoutPolicySchema.safeParse(startOptions.policy);
        if (!policy.success)
          throw new ValidationError('payout policy', toFieldIssues(policy.error, 'policy.'));
      }
      const workflowId = payoutWorkflowId(platformId, request.merchantOrderId);
      const args: PayoutWorkflowInput = {
        request,
        platformId,
        ...(startOptions.policy ? { policy: startOptions.policy } : {}),
      };
      // A token of this call: if the workflow carries it, this call started it.
      const startToken = randomUUID();
      try {
        const handle = await client.workflow.start<typeof payoutWorkflow>(PAYOUT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [args],
          // Never a second workflow for one order: not while one runs, nor after it closed.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          memo: { startToken },
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PayoutStatusKey, value: 'SUBMITTING' },
            { key: MerchantOrderIdKey, value: request.merchantOrderId },
            { key: PlatformIdKey, value: platformId },
            { key: AmountCentsKey, value: request.amountCents },
          ]),
        });
        const described = await handle.describe();
        if (described.memo?.['startToken'] === startToken) {
          return { merchantOrderId: request.merchantOrderId, workflowId, created: true };
        }
        return await existing(request, workflowId);
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError)
          return existing(request, workflowId);
        throw error;
      }
    },

    async getPayout(merchantOrderId) {
      try {
        return await handleOf(merchantOrderId).query(payoutStatusQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new PayoutNotFoundError(merchantOrderId);
        throw error;
      }
    },

    async waitForPayout(merchantOrderId, waitOptions = {}) {
      const handle = handleOf(merchantOrderId);
      const result = handle.result().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) throw new PayoutNotFoundError(merchantOrderId);
        if (error instanceof WorkflowFailedError) {
          throw new PayoutWorkflowFailedError(
            merchantOrderId,
            error.cause?.message ?? error.message,
          );
        }
        throw error;
      });
      if (waitOptions.timeoutMs === undefined) return result;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PayoutWaitTimeoutError(merchantOrderId, waitOptions.timeoutMs ?? 0)),
          waitOptions.timeoutMs,
        );
      });
      try {
        return await Promise.race([result, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async resolvePayout(merchantOrderId, decision) {
      try {
        return await handleOf(merchantOrderId).executeUpdate(operatorDecisionUpdate, {
          args: [decision],
        });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          // An update to a closed workflow also says "not found": tell a final payout from none.
          if (await exists(merchantOrderId)) {
            throw new DecisionRejectedError(
              merchantOrderId,
              'payout-final',
              'payout-final: the payout is already final',
            );
          }
          throw new PayoutNotFoundError(merchantOrderId);
        }
        if (
          error instanceof WorkflowUpdateFailedError &&
          error.cause instanceof ApplicationFailure
        ) {
          if (error.cause.type === INVALID_OPERATOR_DECISION) {
            const rule = error.cause.message.split(':', 1)[0] ?? 'invalid';
            throw new DecisionRejectedError(merchantOrderId, rule, error.cause.message);
          }
        }
        throw error;
      }
    },
  };
}

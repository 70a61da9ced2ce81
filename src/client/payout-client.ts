import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { ValidationError } from '../errors.js';
import { parsePayoutRequest } from './request.js';
import type { OperatorDecisionInput } from '../../workflows/decisions.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PAYOUT_TASK_QUEUE,
  PAYOUT_WORKFLOW_TYPE,
  PayoutFailureType,
  PayoutStatusKey,
  PlatformIdKey,
  checkNowUpdate,
  operatorDecisionUpdate,
  payoutStatusQuery,
  payoutWorkflowId,
  type DecisionReceipt,
  type PayoutResult,
  type PayoutStatusView,
  type PayoutWorkflowInput,
} from '../../workflows/api.js';
import { payoutSummary } from '../../workflows/details.js';
import { parsePayoutPolicy, type PayoutPolicyInput } from '../../workflows/policy.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import {
  DecisionRejectedError,
  PayoutConflictError,
  PayoutNotFoundError,
  PayoutStartError,
  PayoutWaitTimeoutError,
  PayoutWorkflowFailedError,
} from './errors.js';
import { createPlatformCheck } from './platform-check.js';
import { differingFields, startedInput } from './started-input.js';

/** What {@link createPayoutClient} needs. */
export interface PayoutClientOptions {
  /** A connected Temporal client (see `connectionOptions` for local, mTLS or Temporal Cloud). */
  readonly client: Client;
  /** The merchant id at the gateway: part of every payout's workflow id; the workers' own. */
  readonly platformId: string;
  readonly taskQueue?: string;
}

/** A started (or already existing) payout. */
export interface StartedPayout {
  readonly merchantOrderId: string;
  readonly workflowId: string;
  /**
   * True when this call started the payout's workflow. The workflow asks the gateway before it
   * creates anything, so even a new workflow sends no create for an order the gateway knows.
   */
  readonly created: boolean;
}

/** The typed client library backend services use to start and follow payouts. */
export interface PayoutClient {
  /**
   * Starts the payout for `request` once. Starting the same order again returns the same payout
   * and sends nothing; the same order id with other details is a {@link PayoutConflictError}.
   * Throws `ValidationError` (nothing started) for bad input, `PlatformMismatchError` when the
   * workers serve another merchant, `PayoutStartError` when Temporal refuses the start.
   */
  startPayout(request: unknown, options?: { policy?: PayoutPolicyInput }): Promise<StartedPayout>;
  /** The payout's current status, checks, escalation and evidence (final payouts too). */
  getPayout(merchantOrderId: string): Promise<PayoutStatusView>;
  /** Waits until the payout is final; {@link PayoutWaitTimeoutError} after `timeoutMs`. */
  waitForPayout(merchantOrderId: string, options?: { timeoutMs?: number }): Promise<PayoutResult>;
  /**
   * Applies an operator decision and answers: the receipt, or {@link DecisionRejectedError}
   * naming the rule (nothing changed; the refusal is recorded in the payout's evidence).
   */
  resolvePayout(merchantOrderId: string, decision: OperatorDecisionInput): Promise<DecisionReceipt>;
  /**
   * Asks the payout to query the gateway now, as `operatorId`, and answers with its status after
   * the answer; a final payout refuses ({@link DecisionRejectedError} `payout-final`).
   */
  checkPayoutNow(merchantOrderId: string, operatorId: string): Promise<PayoutStatusView>;
}

type PayoutHandle = WorkflowHandle<typeof payoutWorkflow>;

/** Builds the payout client library on a Temporal client. */
export function createPayoutClient(options: PayoutClientOptions): PayoutClient {
  const { client, platformId } = options;
  const taskQueue = options.taskQueue ?? PAYOUT_TASK_QUEUE;
  const checkPlatform = createPlatformCheck({ client, platformId, taskQueue });
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

  /** An operator's update; a refusal or a final payout is a {@link DecisionRejectedError}. */
  const operatorUpdate = async <T>(
    merchantOrderId: string,
    send: (handle: PayoutHandle) => Promise<T>,
  ): Promise<T> => {
    try {
      return await send(handleOf(merchantOrderId));
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
        error.cause instanceof ApplicationFailure &&
        error.cause.type === PayoutFailureType.InvalidOperatorDecision
      ) {
        const rule = error.cause.message.split(':', 1)[0] ?? 'invalid-input';
        throw new DecisionRejectedError(merchantOrderId, rule, error.cause.message);
      }
      throw error;
    }
  };

  return {
    async startPayout(input, startOptions = {}) {
      const request = parsePayoutRequest(input);
      if (startOptions.policy !== undefined) {
        const policy = parsePayoutPolicy(startOptions.policy);
        if (!policy.ok) throw new ValidationError('payout policy', policy.issues);
      }
      await checkPlatform();
      const workflowId = payoutWorkflowId(platformId, request.merchantOrderId);
      const args: PayoutWorkflowInput = {
        request,
        platformId,
        ...(startOptions.policy ? { policy: startOptions.policy } : {}),
      };
      try {
        await client.workflow.start<typeof payoutWorkflow>(PAYOUT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [args],
          // One workflow per order id while Temporal keeps it: a second start, running or closed,
          // is refused and reads the first one's input (the gateway guards the create itself).
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          // What the Web UI's list and payout page show first; masked, and encrypted by the codec.
          // No static details: they would repeat it, in every history; the current details
          // (kept by the workflow, not stored in the history) say the rest.
          staticSummary: payoutSummary(request, platformId),
          typedSearchAttributes: new TypedSearchAttributes([
            { key: PayoutStatusKey, value: 'SUBMITTING' },
            { key: MerchantOrderIdKey, value: request.merchantOrderId },
            { key: PlatformIdKey, value: platformId },
            { key: AmountCentsKey, value: request.amountCents },
          ]),
        });
        return { merchantOrderId: request.merchantOrderId, workflowId, created: true };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
          throw PayoutStartError.from(request.merchantOrderId, error);
        }
      }
      const started = await startedInput(handleOf(request.merchantOrderId));
      const differs = started ? differingFields(started.request, request) : [];
      if (differs.length > 0) throw new PayoutConflictError(request.merchantOrderId, differs);
      return { merchantOrderId: request.merchantOrderId, workflowId, created: false };
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

    resolvePayout(merchantOrderId, decision) {
      return operatorUpdate(merchantOrderId, (handle) =>
        handle.executeUpdate(operatorDecisionUpdate, { args: [decision] }),
      );
    },

    checkPayoutNow(merchantOrderId, operatorId) {
      return operatorUpdate(merchantOrderId, (handle) =>
        handle.executeUpdate(checkNowUpdate, { args: [{ operatorId }] }),
      );
    },
  };
}

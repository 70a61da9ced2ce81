import { PayoutOrchestratorError } from '../errors.js';

/** No payout workflow exists for this merchant order id. */
export class PayoutNotFoundError extends PayoutOrchestratorError {
  constructor(readonly merchantOrderId: string) {
    super(`No payout for merchant order ${merchantOrderId}`, {
      name: 'PayoutNotFoundError',
      code: 'ERR_PAYOUT_NOT_FOUND',
    });
  }
}

/**
 * The order id is already used by a payout with other details. Reusing an order id for another
 * payout would be refused by the gateway at best, or mistaken for the first one at worst.
 */
export class PayoutConflictError extends PayoutOrchestratorError {
  constructor(
    readonly merchantOrderId: string,
    readonly fields: readonly string[],
  ) {
    super(
      `Merchant order ${merchantOrderId} is already a payout with different ${fields.join(', ')}`,
      { name: 'PayoutConflictError', code: 'ERR_PAYOUT_CONFLICT' },
    );
  }
}

/** The payout's workflow refused an operator decision; nothing changed. `rule` says why. */
export class DecisionRejectedError extends PayoutOrchestratorError {
  constructor(
    readonly merchantOrderId: string,
    readonly rule: string,
    message: string,
  ) {
    super(`Decision for ${merchantOrderId} refused: ${message}`, {
      name: 'DecisionRejectedError',
      code: 'ERR_DECISION_REJECTED',
    });
  }
}

/** The payout's workflow ended without a payout result (terminated, timed out, or failed). */
export class PayoutWorkflowFailedError extends PayoutOrchestratorError {
  constructor(
    readonly merchantOrderId: string,
    readonly reason: string,
  ) {
    super(`The workflow of payout ${merchantOrderId} ended without a result: ${reason}`, {
      name: 'PayoutWorkflowFailedError',
      code: 'ERR_PAYOUT_WORKFLOW_FAILED',
    });
  }
}

/** `waitForPayout` gave up before the payout became final; the payout goes on. */
export class PayoutWaitTimeoutError extends PayoutOrchestratorError {
  constructor(
    readonly merchantOrderId: string,
    readonly timeoutMs: number,
  ) {
    super(`Payout ${merchantOrderId} is not final after ${timeoutMs} ms; it goes on`, {
      name: 'PayoutWaitTimeoutError',
      code: 'ERR_PAYOUT_WAIT_TIMEOUT',
    });
  }
}

/**
 * The workers on the payout task queue serve another merchant than this client: a payout
 * started here would be refused. Nothing was started.
 */
export class PlatformMismatchError extends PayoutOrchestratorError {
  constructor(
    readonly platformId: string,
    readonly taskQueue: string,
    readonly workerPlatforms: readonly string[],
  ) {
    super(
      `This client starts payouts for merchant ${platformId}, but the workers on task queue ${taskQueue} serve ${workerPlatforms.join(', ')}: check the client's platformId and the workers' GATEWAY_PLATFORM_ID. Nothing was started.`,
      { name: 'PlatformMismatchError', code: 'ERR_PLATFORM_MISMATCH' },
    );
  }
}

/** Temporal refused to start the payout's workflow; `reason` is the server's own words. */
export class PayoutStartError extends PayoutOrchestratorError {
  constructor(
    readonly merchantOrderId: string,
    readonly reason: string,
    hint: string | null,
    options?: { cause?: unknown },
  ) {
    super(
      `Temporal refused to start payout ${merchantOrderId}: ${reason}${hint === null ? '' : `. ${hint}`}`,
      { name: 'PayoutStartError', code: 'ERR_PAYOUT_START' },
      options,
    );
  }

  /** Wraps a start failure with the server's reason and, where known, the fix. */
  static from(merchantOrderId: string, error: unknown): PayoutStartError {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    // A gRPC error's `details` is the server's sentence without the status prefix.
    const details = (cause as { details?: unknown } | undefined)?.details;
    const reason =
      typeof details === 'string' && details !== ''
        ? details
        : (cause?.message ?? (error instanceof Error ? error.message : String(error)));
    const hint = /search attribute/i.test(reason)
      ? 'The payout search attributes are not registered in this namespace: run `npm run temporal:setup` (see README.md)'
      : null;
    return new PayoutStartError(merchantOrderId, reason, hint, { cause: error });
  }
}

import { PayoutOrchestratorError } from '../errors.js';

/** No payout workflow exists for this merchant order id. */
export class PayoutNotFoundError extends PayoutOrchestratorError {
  readonly type = 'PayoutNotFoundError';
  readonly code = 'ERR_PAYOUT_NOT_FOUND';
  constructor(readonly merchantOrderId: string) {
    super(`No payout for merchant order ${merchantOrderId}`);
    this.name = 'PayoutNotFoundError';
  }
}

/**
 * The order id is already used by a payout with other details. Reusing an order id for another
 * payout would be refused by the gateway at best, or mistaken for the first one at worst.
 */
export class PayoutConflictError extends PayoutOrchestratorError {
  readonly type = 'PayoutConflictError';
  readonly code = 'ERR_PAYOUT_CONFLICT';
  constructor(
    readonly merchantOrderId: string,
    readonly fields: readonly string[],
  ) {
    super(
      `Merchant order ${merchantOrderId} is already a payout with different ${fields.join(', ')}`,
    );
    this.name = 'PayoutConflictError';
  }
}

/** The payout's workflow refused an operator decision; nothing changed. `rule` says why. */
export class DecisionRejectedError extends PayoutOrchestratorError {
  readonly type = 'DecisionRejectedError';
  readonly code = 'ERR_DECISION_REJECTED';
  constructor(
    readonly merchantOrderId: string,
    readonly rule: string,
    message: string,
  ) {
    super(`Decision for ${merchantOrderId} refused: ${message}`);
    this.name = 'DecisionRejectedError';
  }
}

/** The payout's workflow ended without a payout result (terminated, timed out, or failed). */
export class PayoutWorkflowFailedError extends PayoutOrchestratorError {
  readonly type = 'PayoutWorkflowFailedError';
  readonly code = 'ERR_PAYOUT_WORKFLOW_FAILED';
  constructor(
    readonly merchantOrderId: string,
    readonly reason: string,
  ) {
    super(`The workflow of payout ${merchantOrderId} ended without a result: ${reason}`);
    this.name = 'PayoutWorkflowFailedError';
  }
}

/** `waitForPayout` gave up before the payout became final; the payout goes on. */
export class PayoutWaitTimeoutError extends PayoutOrchestratorError {
  readonly type = 'PayoutWaitTimeoutError';
  readonly code = 'ERR_PAYOUT_WAIT_TIMEOUT';
  constructor(
    readonly merchantOrderId: string,
    readonly timeoutMs: number,
  ) {
    super(`Payout ${merchantOrderId} is not final after ${timeoutMs} ms; it goes on`);
    this.name = 'PayoutWaitTimeoutError';
  }
}

/**
 * The workers on the payout task queue serve another merchant than this client: a payout
 * started here would be refused. Nothing was started.
 */
export class PlatformMismatchError extends PayoutOrchestratorError {
  readonly type = 'PlatformMismatchError';
  readonly code = 'ERR_PLATFORM_MISMATCH';
  constructor(
    readonly platformId: string,
    readonly taskQueue: string,
    readonly workerPlatforms: readonly string[],
  ) {
    super(
      `This client starts payouts for merchant ${platformId}, but the workers on task queue ${taskQueue} serve ${workerPlatforms.join(', ')}: check the client's platformId and the workers' GATEWAY_PLATFORM_ID. Nothing was started.`,
    );
    this.name = 'PlatformMismatchError';
  }
}

/** Temporal refused to start the payout's workflow; `reason` is the server's own words. */
export class PayoutStartError extends PayoutOrchestratorError {
  readonly type = 'PayoutStartError';
  readonly code = 'ERR_PAYOUT_START';
  constructor(
    readonly merchantOrderId: string,
    readonly reason: string,
    hint: string | null,
    options?: { cause?: unknown },
  ) {
    super(
      `Temporal refused to start payout ${merchantOrderId}: ${reason}${hint === null ? '' : `. ${hint}`}`,
      options,
    );
    this.name = 'PayoutStartError';
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

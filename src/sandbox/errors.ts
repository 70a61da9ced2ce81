import { PayoutOrchestratorError } from '../errors.js';

/** An admin request about an order the sandbox does not have (the admin API answers 404). */
export class SandboxOrderError extends PayoutOrchestratorError {
  constructor(payoutClId: string) {
    super(`No order ${payoutClId}`, {
      name: 'SandboxOrderError',
      code: 'ERR_SANDBOX_ORDER_NOT_FOUND',
    });
  }
}

/**
 * The state file cannot be used: unreadable, not JSON, or not a sandbox state. The sandbox refuses
 * to start rather than discard the orders in it; the message names the file and what is wrong.
 */
export class SandboxStateError extends PayoutOrchestratorError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `Sandbox state file ${file} ${problem}. The sandbox does not discard saved orders: ` +
        'repair the file, or move it away to start empty.',
      { name: 'SandboxStateError', code: 'ERR_SANDBOX_STATE_FILE' },
    );
  }
}

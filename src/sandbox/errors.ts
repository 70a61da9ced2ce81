import { PayoutOrchestratorError } from '../errors.js';

/** An admin request about an order the sandbox cannot single out. */
export class SandboxOrderError extends PayoutOrchestratorError {
  constructor(
    code: 'ERR_SANDBOX_ORDER_NOT_FOUND' | 'ERR_SANDBOX_ORDER_AMBIGUOUS',
    message: string,
  ) {
    super(message, { name: 'SandboxOrderError', code });
  }

  /** The HTTP status the admin API answers with. */
  get httpStatus(): number {
    return this.code === 'ERR_SANDBOX_ORDER_NOT_FOUND' ? 404 : 409;
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

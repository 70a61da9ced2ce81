import { PayoutOrchestratorError } from '../errors.js';

/** An admin request about an order the sandbox cannot single out. */
export class SandboxOrderError extends PayoutOrchestratorError {
  readonly type = 'SandboxOrderError';
  constructor(
    readonly code: 'ERR_SANDBOX_ORDER_NOT_FOUND' | 'ERR_SANDBOX_ORDER_AMBIGUOUS',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxOrderError';
  }

  /** The HTTP status the admin API answers with. */
  get httpStatus(): number {
    return this.code === 'ERR_SANDBOX_ORDER_NOT_FOUND' ? 404 : 409;
  }
}

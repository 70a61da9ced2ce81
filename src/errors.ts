import type { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../vocabulary/issues.js';

export type { FieldIssue };

/**
 * Base of every error the product throws on purpose. `type` is stable across releases, so callers
 * (and Temporal's `ApplicationFailure.type`) can branch on it; `code` follows Node's `ERR_*` style.
 */
export abstract class PayoutOrchestratorError extends Error {
  abstract readonly type: string;
  abstract readonly code: string;
}

/** Input that broke a rule: nothing was sent, started or changed. */
export class ValidationError extends PayoutOrchestratorError {
  readonly type = 'ValidationError';
  readonly code = 'ERR_VALIDATION';
  constructor(
    /** What was being validated, e.g. "payout request". */
    readonly subject: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(`Invalid ${subject}: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

/** Configuration that cannot be used. The message names the keys, never their values. */
export class ConfigError extends PayoutOrchestratorError {
  readonly type = 'ConfigError';
  readonly code = 'ERR_CONFIG';
  constructor(
    readonly issues: readonly FieldIssue[],
    /** Where the keys are documented. */
    docs = 'the configuration tables in README.md',
  ) {
    super(
      `Invalid configuration: ${issues.map((i) => `${i.field} (${i.rule})`).join('; ')}. ` +
        `Values are not printed; see ${docs}.`,
    );
    this.name = 'ConfigError';
  }
}

/** Turns zod issues into field/rule pairs (see {@link fieldIssues}), names prefixed by `prefix`. */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return fieldIssues(error, { prefix });
}

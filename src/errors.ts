import type { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../vocabulary/issues.js';

export type { FieldIssue };

/**
 * Base of every error the product throws on purpose, in undici's manner: `name` (also `type`,
 * stable across releases, so callers and Temporal's `ApplicationFailure.type` can branch on it)
 * and a `code` in Node's `ERR_*` style, set once here.
 */
export class PayoutOrchestratorError extends Error {
  readonly type: string;
  readonly code: string;
  constructor(
    message: string,
    kind: { readonly name: string; readonly code: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = kind.name;
    this.type = kind.name;
    this.code = kind.code;
  }
}

/** Input that broke a rule: nothing was sent, started or changed. */
export class ValidationError extends PayoutOrchestratorError {
  constructor(
    /** What was being validated, e.g. "payout request". */
    readonly subject: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(`Invalid ${subject}: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`, {
      name: 'ValidationError',
      code: 'ERR_VALIDATION',
    });
  }
}

/** Configuration that cannot be used. The message names the keys, never their values. */
export class ConfigError extends PayoutOrchestratorError {
  constructor(
    readonly issues: readonly FieldIssue[],
    /** Where the keys are documented. */
    docs = 'the configuration tables in README.md',
  ) {
    super(
      `Invalid configuration: ${issues.map((i) => `${i.field} (${i.rule})`).join('; ')}. ` +
        `Values are not printed; see ${docs}.`,
      { name: 'ConfigError', code: 'ERR_CONFIG' },
    );
  }
}

/** Turns zod issues into field/rule pairs (see {@link fieldIssues}), names prefixed by `prefix`. */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return fieldIssues(error, { prefix });
}

/**
 * Exit codes scripts can trust, and what the CLI says on stderr for each failure: one line, no
 * stack trace, no word said twice.
 *
 * | code | meaning                                                                        |
 * | ---- | ------------------------------------------------------------------------------ |
 * | 0    | done (also when the reader of stdout closed the pipe early)                    |
 * | 1    | failure: Temporal unreachable, bad configuration, a wait that timed out, a bug |
 * | 2    | usage: unknown command or flag, a missing or bad value (the usage follows)     |
 * | 3    | refused: no such payout, a decision or check the payout refused, a bad request |
 */
import {
  DecisionRejectedError,
  PayoutConflictError,
  PayoutNotFoundError,
  PlatformMismatchError,
} from '../client/errors.js';
import { PayoutOrchestratorError, ValidationError } from '../errors.js';
import { UsageError } from './amount.js';
import { TemporalUnreachableError } from './connect.js';

/** The exit codes, by name. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, Refused: 3 } as const;
/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error as the CLI reports it: the exit code and the line for stderr. */
export interface Report {
  readonly code: ExitCode;
  readonly message: string;
}

/** Classifies `error` (anything thrown) into a {@link Report}. */
export function report(error: unknown): Report {
  if (error instanceof UsageError) return { code: ExitCode.Usage, message: error.message };
  if (error instanceof DecisionRejectedError) {
    // The workflow's message starts with the rule: say it once.
    const detail = error.message.replace(/^Decision for \S+ refused: /, '');
    const hint = error.rule === 'contradicts-gateway' ? ' (resolve ... --override TEXT)' : '';
    return {
      code: ExitCode.Refused,
      message: `refused (${error.merchantOrderId}): ${detail}${hint}`,
    };
  }
  if (
    error instanceof PayoutNotFoundError ||
    error instanceof PayoutConflictError ||
    error instanceof PlatformMismatchError ||
    error instanceof ValidationError
  )
    return { code: ExitCode.Refused, message: error.message };
  if (error instanceof TemporalUnreachableError)
    return { code: ExitCode.Failure, message: error.message };
  if (error instanceof PayoutOrchestratorError)
    return { code: ExitCode.Failure, message: `${error.type}: ${error.message}` };
  return { code: ExitCode.Failure, message: unexpected(error) };
}

/** Temporal's and Node's errors in words; a gRPC UNAVAILABLE means Temporal is not reachable. */
function unexpected(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const grpc = (error as { code?: unknown } | null)?.code;
  if (grpc === 14 || /UNAVAILABLE|ECONNREFUSED|Failed to connect/i.test(text))
    return `cannot reach Temporal: ${firstLine(text)}`;
  return firstLine(text);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

import { PayoutOrchestratorError } from '../errors.js';

/**
 * A command line the CLI cannot use (an unknown command or flag, a missing or bad value); the CLI
 * prints the message with the usage and exits 2. The message names the flag and the rule.
 */
export class UsageError extends PayoutOrchestratorError {
  constructor(message: string) {
    super(message, { name: 'UsageError', code: 'ERR_USAGE' });
  }
}

/** "500.00" yuan to 50000 cents, exactly (no floating point on the way). */
export function yuanToCents(text: string): number {
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new UsageError('--amount: yuan with at most 2 decimals, e.g. 500.00');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 10800 cents as `108.00 CNY`, exactly (integer arithmetic, no floating point). */
export function centsToYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} CNY`;
}

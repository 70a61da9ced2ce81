/** A command line the CLI cannot use; printed with the usage. */
export class UsageError extends Error {
  readonly type = 'UsageError';
  readonly code = 'ERR_USAGE';
}

/** "500.00" yuan to 50000 cents, exactly (no floating point on the way). */
export function yuanToCents(text: string): number {
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new UsageError('--amount: yuan with at most 2 decimals, e.g. 500.00');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

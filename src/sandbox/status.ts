/** The gateway's payout status codes, by the names the sandbox's admin API uses. */
export const STATUS_CODES = {
  scheduled: 0,
  pending: 1,
  processing: 2,
  success: 3,
  cancelled: 4,
  failed: 5,
  'under-review': 6,
} as const;

/** A status the sandbox can put an order in by name. */
export type StatusName = keyof typeof STATUS_CODES;

/** The names, for zod enums. */
export const STATUS_NAMES = Object.keys(STATUS_CODES) as [StatusName, ...StatusName[]];

/** The outcomes an order can end in. */
export type FinalStatusName = 'success' | 'cancelled' | 'failed';

/** The non-final states an order walks through, in order. */
export const PROGRESS_CODES = [0, 1, 2] as const;

/** Whether the gateway treats the code as final (3 success, 4 cancelled, 5 failed). */
export function isFinalCode(code: number): boolean {
  return code === 3 || code === 4 || code === 5;
}

/** The name of a code, or `code-N` for one the gateway does not document. */
export function statusName(code: number): string {
  const entry = Object.entries(STATUS_CODES).find(([, value]) => value === code);
  return entry ? entry[0] : `code-${code}`;
}

import type { FieldIssue } from './issues.js';

/**
 * A payout as a backend service asks for it: the merchant's order id (sent as `payout_cl_id`),
 * the amount in cents and the recipient's bank card. Credentials and `notify_url` are never part
 * of it: they belong to the worker's configuration.
 */
export interface PayoutRequest {
  readonly merchantOrderId: string;
  readonly amountCents: number;
  readonly bankName: string;
  readonly recipientName: string;
  readonly accountNumber: string;
  readonly bankBranch?: string;
  readonly province?: string;
  readonly city?: string;
}

/**
 * C0 and C1 control characters and DEL. The gateway's sign string is `k=v&k=v` with no escaping,
 * so text holding them (or `&` and `=`) cannot be signed unambiguously; C1 controls are refused
 * too, since no legitimate name, bank or place holds them and some decoders treat them as breaks.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** The separators of the sign string. */
export const SIGN_SEPARATORS = /[&=]/;

/** A UTF-16 surrogate without its partner: it has no UTF-8 form, so signed and sent text differ. */
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot go into a signed gateway field, or `undefined` when it can. The one rule of
 * the payout request and of the gateway client's strict signing (src/gateway/sign.ts).
 * `allowSeparators` is for a URL (`notify_url`), which the gateway signs as is.
 */
export function unsignableTextRule(
  text: string,
  options: { readonly allowSeparators?: boolean } = {},
): string | undefined {
  if (CONTROL_CHARACTERS.test(text)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  if (options.allowSeparators !== true && SIGN_SEPARATORS.test(text)) {
    return 'must not contain & or =';
  }
  return undefined;
}

/** A merchant order id (`payout_cl_id`): letters, digits, `_` and `-`, 1 to 32. */
export const MERCHANT_ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Why `value` is not a merchant order id, or `undefined` when it is. Also checked on ids the
 * gateway sends back, since only such an id can name one of our payouts.
 */
export function merchantOrderIdRule(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'required, a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > 32) return 'at most 32 characters';
  return MERCHANT_ORDER_ID_PATTERN.test(value) ? undefined : 'only letters, digits, _ and -';
}

/**
 * A merchant id (the gateway's `platform_id`, String(7)): letters and digits, 1 to 7. One rule
 * for the worker's GATEWAY_PLATFORM_ID, the client library and the workflow input, so a worker
 * never runs with an id its payouts would refuse.
 */
export const PLATFORM_ID_PATTERN = /^[A-Za-z0-9]{1,7}$/;

/** The rule of {@link PLATFORM_ID_PATTERN}, as words. */
export const PLATFORM_ID_RULE = 'letters and digits only, 1 to 7 characters';

/** The largest amount the gateway's `amount` (Integer(10)) holds, in cents. */
export const MAX_AMOUNT_CENTS = 9_999_999_999;

/** Free text fields and their length limits: trimmed, signable. */
const TEXT_FIELDS = {
  bankName: { max: 64, required: true },
  recipientName: { max: 64, required: true },
  bankBranch: { max: 128, required: false },
  province: { max: 64, required: false },
  city: { max: 64, required: false },
} as const;

const FIELDS: readonly string[] = [
  'merchantOrderId',
  'amountCents',
  'accountNumber',
  ...Object.keys(TEXT_FIELDS),
];

/**
 * Checks a payout request: every field, every rule it breaks (`field: rule`, never the value).
 * Whatever it accepts can be signed and sent. Pure and total: the client library (through zod,
 * src/client/request.ts) and the workflow both use it.
 */
export function checkPayoutRequest(
  input: unknown,
): { ok: true; value: PayoutRequest } | { ok: false; issues: FieldIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ field: '(request)', rule: 'an object' }] };
  }
  const v = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const add = (field: string, rule: string | undefined) => {
    if (rule !== undefined) issues.push({ field, rule });
  };
  for (const key of Object.keys(v)) {
    if (!FIELDS.includes(key))
      add(
        key.replace(/[^\w.-]/g, '?').slice(0, 40) || '(empty)',
        'not a field of a payout request',
      );
  }
  add('merchantOrderId', merchantOrderIdRule(v['merchantOrderId']));
  for (const rule of amountRules(v['amountCents'])) add('amountCents', rule);
  const account = v['accountNumber'];
  add(
    'accountNumber',
    typeof account !== 'string'
      ? 'required, a string'
      : /^[0-9A-Za-z]{1,34}$/.test(account)
        ? undefined
        : 'letters and digits only, 1 to 34 characters',
  );
  const texts: Record<string, string> = {};
  for (const [field, { max, required }] of Object.entries(TEXT_FIELDS)) {
    const value = v[field];
    if (value === undefined && !required) continue;
    if (typeof value !== 'string') {
      add(field, required ? 'required, a string' : 'a string');
      continue;
    }
    const text = value.trim();
    const before = issues.length;
    if (text.length === 0)
      add(field, required ? 'must not be empty' : 'must not be empty when given');
    if (text.length > max) add(field, `at most ${max} characters`);
    add(field, unsignableTextRule(text));
    if (issues.length === before) texts[field] = text;
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      merchantOrderId: v['merchantOrderId'] as string,
      amountCents: v['amountCents'] as number,
      accountNumber: account as string,
      ...texts,
    } as unknown as PayoutRequest,
  };
}

function amountRules(value: unknown): string[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) return ['required, a number of cents'];
  const rules: string[] = [];
  if (!Number.isInteger(value)) rules.push('must be a whole number of cents');
  if (value <= 0) rules.push('must be positive');
  if (value > MAX_AMOUNT_CENTS) rules.push('at most 10 digits');
  return rules;
}

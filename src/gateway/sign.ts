import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  CONTROL_CHARACTERS,
  SIGN_SEPARATORS,
  unsignableTextRule,
} from '../../vocabulary/payout-request.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import { PayoutOrchestratorError } from '../errors.js';

/** A field value as it goes on the wire (request) or came off it (response, callback). */
export type WireValue = string | number | boolean | null | undefined | readonly unknown[] | object;

/** Fields never covered by the sign. */
const UNSIGNED_FIELDS = new Set(['sign', 'sign_type']);

/** Fields whose value may hold `&` or `=`: a URL, which the gateway signs as is. */
const FIELDS_ALLOWING_SEPARATORS = new Set(['notify_url']);

/** A value that cannot be signed unambiguously. Thrown before anything is sent. */
export class UnsignableFieldError extends PayoutOrchestratorError {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`Field ${field} cannot be signed: ${rule}`, {
      name: 'UnsignableFieldError',
      code: 'ERR_UNSIGNABLE_FIELD',
    });
  }
}

/** The text the gateway signs for one value: arrays and objects as compact JSON, 0 as "0". */
export function renderSignedValue(value: WireValue): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The canonical string: every field but `sign` and `sign_type`, empties dropped, sorted by name
 * (ASCII), joined as `k=v&k=v` with no URL-encoding.
 *
 * With `strict`, used for what we send, a value that would make the string ambiguous is refused.
 * Received fields are taken as they are, since we only recompute what the gateway computed.
 */
export function canonicalString(
  fields: Readonly<Record<string, WireValue>>,
  options: { strict: boolean } = { strict: true },
): string {
  const parts: string[] = [];
  for (const name of Object.keys(fields).sort(compareAscii)) {
    if (UNSIGNED_FIELDS.has(name)) continue;
    const text = renderSignedValue(fields[name]);
    if (text === undefined) continue;
    if (options.strict) assertSignable(name, text);
    parts.push(`${name}=${text}`);
  }
  return parts.join('&');
}

// The same rule as the payout request schema's, so what it accepts is never refused here.
function assertSignable(name: string, text: string): void {
  if (CONTROL_CHARACTERS.test(name) || SIGN_SEPARATORS.test(name)) {
    throw new UnsignableFieldError(name, 'a field name may not hold control characters, & or =');
  }
  const rule = unsignableTextRule(text, { allowSeparators: FIELDS_ALLOWING_SEPARATORS.has(name) });
  if (rule !== undefined) throw new UnsignableFieldError(name, rule);
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Signs a canonical string: MD5 of `…&SECRET` or `…&key=SECRET`, or HMAC-SHA256 keyed by the secret. */
export function signCanonical(canonical: string, secret: string, mode: SignMode): string {
  switch (mode) {
    case 'md5':
      return createHash('md5').update(`${canonical}&${secret}`, 'utf8').digest('hex');
    case 'md5-key':
      return createHash('md5').update(`${canonical}&key=${secret}`, 'utf8').digest('hex');
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
  }
}

/** Signs the exact wire fields of a request we send. Throws {@link UnsignableFieldError}. */
export function sign(
  fields: Readonly<Record<string, WireValue>>,
  secret: string,
  mode: SignMode,
): string {
  return signCanonical(canonicalString(fields, { strict: true }), secret, mode);
}

/**
 * How the gateway reads a message sent to it: HMAC when it says `sign_type: HMAC-SHA256`, else
 * MD5 (its default) in the configured MD5 form. The sandbox gateway reads our creates this way.
 * Our own side verifies with the stricter {@link acceptedSignMode}.
 */
export function receivedSignMode(signType: unknown, configured: SignMode): SignMode {
  if (isHmacSignType(signType)) return 'hmac-sha256';
  return configured === 'hmac-sha256' ? 'md5' : configured;
}

/**
 * The one mode a message we receive (query item, callback) may be verified in. Configured
 * `hmac-sha256`: HMAC-SHA256 only, whatever `sign_type` says, so a message cannot downgrade
 * itself to MD5 by leaving `sign_type` out. Configured MD5 form: that form, or HMAC-SHA256 when the
 * message says `sign_type: HMAC-SHA256` (the gateway may upgrade, never downgrade).
 */
export function acceptedSignMode(signType: unknown, configured: SignMode): SignMode {
  return configured === 'hmac-sha256' || isHmacSignType(signType) ? 'hmac-sha256' : configured;
}

function isHmacSignType(signType: unknown): boolean {
  return typeof signType === 'string' && signType.toUpperCase() === 'HMAC-SHA256';
}

/**
 * Checks a received sign over every received field but `sign` and `sign_type`: length first, then
 * a constant-time comparison, so a forged sign learns nothing from timing.
 */
export function verifySign(
  fields: Readonly<Record<string, WireValue>>,
  secret: string,
  mode: SignMode,
): boolean {
  const received = fields['sign'];
  if (typeof received !== 'string') return false;
  const expected = signCanonical(canonicalString(fields, { strict: false }), secret, mode);
  const a = Buffer.from(received.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

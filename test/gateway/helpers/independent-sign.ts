import { createHash, createHmac } from 'node:crypto';

/**
 * The gateway's signing rule, written again from the docs for tests, independently of
 * src/gateway/sign.ts: fields but sign/sign_type, empties dropped, ASCII order, k=v&k=v.
 */
export function referenceCanonical(fields: Record<string, unknown>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && k !== 'sign_type')
    .filter((k) => fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${render(fields[k])}`)
    .join('&');
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** MD5 of `canonical&SECRET`, the docs' majority form. */
export function referenceMd5(fields: Record<string, unknown>, secret: string): string {
  return createHash('md5')
    .update(`${referenceCanonical(fields)}&${secret}`, 'utf8')
    .digest('hex');
}

/** HMAC-SHA256 of the canonical string keyed by the secret. */
export function referenceHmac(fields: Record<string, unknown>, secret: string): string {
  return createHmac('sha256', secret).update(referenceCanonical(fields), 'utf8').digest('hex');
}

/** The fields with an MD5 `sign` added, as the gateway would send them. */
export function signedMd5<T extends Record<string, unknown>>(
  fields: T,
  secret: string,
): T & { sign: string } {
  return { ...fields, sign: referenceMd5(fields, secret) };
}

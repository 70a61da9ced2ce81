import type { GatewayConfig } from './config.js';
import { quoteReceived } from './detail.js';
import type { Exchange } from './transport.js';
import type { UnknownReason } from '../../vocabulary/gateway.js';
import { isJsonObject } from './wire-values.js';

/** A response body that is a JSON object, or why the exchange gave none. */
export type JsonObjectResponse =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly reason: UnknownReason; readonly detail: string };

/**
 * The common first steps of reading any gateway answer: a 2xx status (any other status, 4xx
 * included, says nothing reliable about the order: a wrong path must not read as "not found"),
 * a non-empty body, valid JSON, an object.
 */
export function readJsonObject(result: Exchange, config: GatewayConfig): JsonObjectResponse {
  if (result.kind === 'failure') return { ok: false, reason: result.reason, detail: result.detail };
  const quoted = quoteReceived(result.text, config);
  if (result.status < 200 || result.status > 299) {
    return {
      ok: false,
      reason: 'http-status',
      detail: `HTTP ${result.status}${quoted === '' ? '' : `: ${quoted}`}`,
    };
  }
  if (result.text.trim() === '') {
    return { ok: false, reason: 'empty-body', detail: `HTTP ${result.status} with an empty body` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.text);
  } catch {
    return { ok: false, reason: 'invalid-json', detail: `body is not JSON: ${quoted}` };
  }
  if (!isJsonObject(parsed)) {
    return {
      ok: false,
      reason: 'invalid-response',
      detail: `body is not a JSON object: ${quoted}`,
    };
  }
  return { ok: true, body: parsed };
}

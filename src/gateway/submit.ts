import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { PayoutRequest } from '../client/request.js';
import type { GatewayConfig } from './config.js';
import { buildCreateRequest } from './create-request.js';
import { quoteReceived } from './detail.js';
import { readJsonObject } from './response.js';
import { exchange } from './transport.js';
import {
  KNOWN_REJECTION_CODES,
  type RejectionCode,
  type SubmitOutcome,
} from '../../vocabulary/gateway.js';
import { isJsonObject, parseWireId } from './wire-values.js';

/** What {@link submitPayout} needs. */
export interface SubmitDeps {
  readonly config: GatewayConfig;
  readonly dispatcher: Dispatcher;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** The create call's answer: an error code, a message, and `data` on success. */
const createResponseSchema = z.looseObject({
  error_code: z.string(),
  error_msg: z.string().nullish(),
  data: z.unknown().optional(),
});

/**
 * Signs and sends one create call (POST, JSON). Never retries: a second POST could create a
 * second order. Only `0000` with a payout id is `accepted`; only a well-formed answer with a
 * code of {@link KNOWN_REJECTION_CODES} is `rejected`; everything else is `unknown`, since the
 * order may exist.
 *
 * @throws {ValidationError} when the request breaks a rule of the gateway: nothing was sent.
 */
export async function submitPayout(
  request: PayoutRequest,
  deps: SubmitDeps,
): Promise<SubmitOutcome> {
  const { config } = deps;
  const signed = buildCreateRequest(request, config, deps.now);
  const result = await exchange(deps.dispatcher, config, {
    method: 'POST',
    url: `${config.baseUrl}${config.payoutsPath}`,
    headers: { 'content-type': 'application/json;charset=utf-8', accept: 'application/json' },
    body: signed.body,
  });
  const read = readJsonObject(result, config);
  if (!read.ok) return { kind: 'unknown', reason: read.reason, detail: read.detail };
  return interpretCreateResponse(read.body, config);
}

/** Maps a parsed create answer to an outcome. */
export function interpretCreateResponse(
  body: Record<string, unknown>,
  config: GatewayConfig,
): SubmitOutcome {
  const parsed = createResponseSchema.safeParse(body);
  if (!parsed.success) {
    return {
      kind: 'unknown',
      reason: 'invalid-response',
      detail: 'error_code missing or not a string, or error_msg not a string',
    };
  }
  const { error_code: code, error_msg: rawMessage, data } = parsed.data;
  const message = quoteReceived(rawMessage ?? '', config);
  const payoutId = isJsonObject(data) ? data['payout_id'] : undefined;

  if (code === '0000') {
    const id = parseWireId(payoutId);
    if (id === undefined || typeof payoutId !== 'string') {
      return {
        kind: 'unknown',
        reason: 'accepted-without-id',
        detail: 'error_code 0000 without a usable data.payout_id',
      };
    }
    return { kind: 'accepted', payoutId: id };
  }
  if (isRejectionCode(code)) {
    // A refusal that names an order contradicts itself: the order may exist after all.
    if (payoutId !== undefined && payoutId !== null && payoutId !== '') {
      return {
        kind: 'unknown',
        reason: 'invalid-response',
        detail: `error_code ${code} together with a data.payout_id`,
      };
    }
    return { kind: 'rejected', code, message };
  }
  return {
    kind: 'unknown',
    reason: 'unknown-error-code',
    detail: `error_code ${quoteReceived(code, config).slice(0, 16)}${message === '' ? '' : `: ${message}`}`,
  };
}

function isRejectionCode(code: string): code is RejectionCode {
  return (KNOWN_REJECTION_CODES as readonly string[]).includes(code);
}

import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { GatewayConfig } from './config.js';
import { quoteReceived } from './detail.js';
import { type ParsedOrderFields, lenientTextField, orderCore, orderShape } from './order-fields.js';
import { readJsonObject } from './response.js';
import { type WireValue, acceptedSignMode, verifySign } from './sign.js';
import { exchange } from './transport.js';
import type { GatewayOrder, QueryOutcome } from '../../vocabulary/gateway.js';
import { isJsonObject } from './wire-values.js';

/** What an order query asks for, and what the returned order is checked against. */
export interface QueryPayoutInput {
  readonly merchantOrderId: string;
  readonly amountCents: number;
}

/** What {@link queryPayout} needs. */
export interface QueryDeps {
  readonly config: GatewayConfig;
  readonly dispatcher: Dispatcher;
}

/** The single form's "no such order". */
export const NO_SUCH_ORDER_CODE = '0050';

const queryInputSchema = z.object({
  merchantOrderId: z
    .string({ error: 'required, a string' })
    .min(1, 'must not be empty')
    .max(32, 'at most 32 characters'),
  amountCents: z
    .number({ error: 'required, a number of cents' })
    .int('a whole number of cents')
    .positive('must be positive'),
});

/** The envelope every query answer has. */
export const envelopeSchema = z.looseObject({
  error_code: z.string(),
  error_msg: z.string().nullish(),
  data: z.unknown().optional(),
});

const itemSchema = z.looseObject({ ...orderShape, memo: lenientTextField });

/**
 * Reads one order's status: `GET path?payout_cl_id=ID` (list form) or `GET path/ID` (single
 * form), with `Authorization: <token>`. Read-only, so callers may retry it; it never retries
 * itself. Every returned order's sign is verified, and ours is checked against the input.
 *
 * Not found is only an empty list or `0050`: a 404 or any other non-2xx status is
 * `unavailable`, since a wrong path must never read as "no such order".
 *
 * @throws {ValidationError} when the input is unusable: nothing was sent.
 */
export async function queryPayout(input: QueryPayoutInput, deps: QueryDeps): Promise<QueryOutcome> {
  const checked = queryInputSchema.safeParse(input);
  if (!checked.success) throw new ValidationError('order query', toFieldIssues(checked.error));
  const { config } = deps;
  const id = checked.data.merchantOrderId;
  const base = `${config.baseUrl}${config.payoutsPath}`;
  const url =
    config.queryForm === 'single'
      ? `${base}/${encodeURIComponent(id)}`
      : `${base}?${new URLSearchParams({ payout_cl_id: id }).toString()}`;

  const result = await exchange(deps.dispatcher, config, {
    method: 'GET',
    url,
    headers: { authorization: config.authToken, accept: 'application/json' },
  });
  const read = readJsonObject(result, config);
  if (!read.ok) return { kind: 'unavailable', reason: read.reason, detail: read.detail };
  return interpretQueryResponse(read.body, checked.data, config);
}

/** Maps a parsed query answer to an outcome. */
export function interpretQueryResponse(
  body: Record<string, unknown>,
  input: QueryPayoutInput,
  config: GatewayConfig,
): QueryOutcome {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    return unavailable('error_code missing or not a string, or error_msg not a string');
  }
  const { error_code: code, error_msg: message, data } = envelope.data;
  if (code === NO_SUCH_ORDER_CODE) return { kind: 'not-found' };
  if (code !== '0000') {
    const codeText = quoteReceived(code, config).slice(0, 16);
    const text = quoteReceived(message ?? '', config);
    return {
      kind: 'unavailable',
      reason: 'gateway-error',
      code: codeText,
      detail: `error_code ${codeText}${text === '' ? '' : `: ${text}`}`,
    };
  }
  // The list form answers an array, the single form one object; each is accepted from either,
  // since every item is verified and checked anyway. Only an explicit empty list is not found.
  if (!Array.isArray(data) && !isJsonObject(data)) {
    return unavailable('error_code 0000 without a data list or object');
  }
  const items: readonly unknown[] = Array.isArray(data) ? data : [data];
  if (items.length === 0) return { kind: 'not-found' };
  return pickOrder(items, input, config);
}

function pickOrder(
  items: readonly unknown[],
  input: QueryPayoutInput,
  config: GatewayConfig,
): QueryOutcome {
  const verified = verifiedOrders(items, config);
  if (!Array.isArray(verified)) return verified;
  const orders: readonly GatewayOrder[] = verified;
  const ours = orders.filter((o) => o.payoutClId === input.merchantOrderId);
  const first = orders[0];
  if (ours.length === 0 && first !== undefined) {
    return mismatch('payout_cl_id', input.merchantOrderId, first.payoutClId, config);
  }
  // The same order listed twice is harmless; two different orders (or two versions of one) for
  // our payout_cl_id may be a double payout, which only an operator can sort out.
  const distinct = [...new Map(ours.map((o) => [JSON.stringify(o), o])).values()];
  const order = distinct[0];
  if (distinct.length > 1 || order === undefined) {
    return {
      ...mismatch(
        'payout_cl_id',
        input.merchantOrderId,
        distinct.map((o) => o.payoutId).join(','),
        config,
      ),
      detail: `the gateway lists ${distinct.length} different orders for this payout_cl_id`,
    };
  }
  // The order is kept with the mismatch: what the gateway reports of it matters to a person.
  if (order.platformId !== config.platformId) {
    return { ...mismatch('platform_id', config.platformId, order.platformId, config), order };
  }
  if (order.amountCents !== input.amountCents) {
    return {
      ...mismatch('amount', String(input.amountCents), String(order.amountCents), config),
      order,
    };
  }
  return { kind: 'found', order };
}

/**
 * The orders of a `data` list, each verified by its sign and parsed; the first item that is not
 * an object, does not verify or does not parse makes the whole answer unusable.
 */
export function verifiedOrders(
  items: readonly unknown[],
  config: GatewayConfig,
): GatewayOrder[] | Extract<QueryOutcome, { kind: 'bad-signature' | 'unavailable' }> {
  const orders: GatewayOrder[] = [];
  for (const [index, item] of items.entries()) {
    if (!isJsonObject(item)) return unavailable(`data item ${index} is not an object`);
    // The sign first: nothing of an unverified order is trusted, not even its shape.
    // Parsed JSON holds only JSON values, all of which are WireValues.
    const fields = item as Record<string, WireValue>;
    if (!verifySign(fields, config.secret, acceptedSignMode(item['sign_type'], config.signMode))) {
      const sign = item['sign'];
      return {
        kind: 'bad-signature',
        detail: `data item ${index}: ${typeof sign === 'string' ? 'sign does not verify' : 'no sign'}`,
      };
    }
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error).map((i) => `${i.field}: ${i.rule}`);
      return unavailable(`data item ${index}: ${issues.join('; ')}`);
    }
    orders.push(toOrder(parsed.data));
  }
  return orders;
}

function toOrder(fields: ParsedOrderFields & { readonly memo?: string | undefined }): GatewayOrder {
  return { ...orderCore(fields), ...(fields.memo === undefined ? {} : { memo: fields.memo }) };
}

function mismatch(
  field: 'payout_cl_id' | 'platform_id' | 'amount',
  expected: string,
  actual: string,
  config: GatewayConfig,
): Extract<QueryOutcome, { kind: 'mismatch' }> {
  return { kind: 'mismatch', field, expected, actual: quoteReceived(actual, config) };
}

function unavailable(detail: string): Extract<QueryOutcome, { kind: 'unavailable' }> {
  return { kind: 'unavailable', reason: 'invalid-response', detail };
}

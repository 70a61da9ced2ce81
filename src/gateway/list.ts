import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { GatewayOrder, QueryOutcome } from '../../vocabulary/gateway.js';
import { quoteReceived } from './detail.js';
import { envelopeSchema, verifiedOrders, type QueryDeps } from './query.js';
import { readJsonObject } from './response.js';
import { exchange } from './transport.js';

/** The gateway's largest page. */
export const MAX_LIST_LIMIT = 500;

/** One page of the orders created in a window, in Unix seconds (the gateway's `create_time`). */
export interface ListPayoutsInput {
  readonly createdFrom: number;
  readonly createdTo: number;
  readonly offset: number;
  readonly limit: number;
}

/** A page of orders, each verified by its sign; or no usable answer. */
export type ListOutcome =
  | {
      readonly kind: 'page';
      readonly orders: readonly GatewayOrder[];
      /** The gateway's count of matching orders, when it sent one. */
      readonly total: number | null;
    }
  | Extract<QueryOutcome, { kind: 'bad-signature' | 'unavailable' }>;

const seconds = z
  .number({ error: 'required, Unix seconds' })
  .int('whole seconds')
  .nonnegative('not negative');

const listInputSchema = z
  .object({
    createdFrom: seconds,
    createdTo: seconds,
    offset: z.number({ error: 'required, a number' }).int('a whole number').nonnegative(),
    limit: z
      .number({ error: 'required, a number' })
      .int('a whole number')
      .min(1, 'at least 1')
      .max(MAX_LIST_LIMIT, `at most ${MAX_LIST_LIMIT}`),
  })
  .refine((i) => i.createdFrom <= i.createdTo, {
    path: ['createdTo'],
    message: 'not before createdFrom',
  });

/**
 * Lists the orders created in `[createdFrom, createdTo]`: `GET path?create_time__gte=…&
 * create_time__lte=…&offset=…&limit=…` with `Authorization: <token>`, the list form whatever
 * `queryForm` says (the single form has no listing). Read-only; never retried here. One item
 * whose sign does not verify makes the page unusable: a page is trusted whole or not at all.
 *
 * @throws {ValidationError} when the input is unusable: nothing was sent.
 */
export async function listPayouts(input: ListPayoutsInput, deps: QueryDeps): Promise<ListOutcome> {
  const checked = listInputSchema.safeParse(input);
  if (!checked.success) throw new ValidationError('order listing', toFieldIssues(checked.error));
  const { config } = deps;
  const params = new URLSearchParams({
    create_time__gte: String(checked.data.createdFrom),
    create_time__lte: String(checked.data.createdTo),
    offset: String(checked.data.offset),
    limit: String(checked.data.limit),
  });
  const result = await exchange(deps.dispatcher, config, {
    method: 'GET',
    url: `${config.baseUrl}${config.payoutsPath}?${params.toString()}`,
    headers: { authorization: config.authToken, accept: 'application/json' },
  });
  const read = readJsonObject(result, config);
  if (!read.ok) return { kind: 'unavailable', reason: read.reason, detail: read.detail };
  const envelope = envelopeSchema.safeParse(read.body);
  if (!envelope.success) return invalid('error_code missing or not a string');
  const { error_code: code, data } = envelope.data;
  if (code !== '0000') {
    const codeText = quoteReceived(code, config).slice(0, 16);
    return {
      kind: 'unavailable',
      reason: 'gateway-error',
      code: codeText,
      detail: `error_code ${codeText}`,
    };
  }
  if (!Array.isArray(data)) return invalid('error_code 0000 without a data list');
  const orders = verifiedOrders(data, config);
  if (!Array.isArray(orders)) return orders;
  const total = read.body['total'];
  return {
    kind: 'page',
    orders,
    total: typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total : null,
  };
}

function invalid(detail: string): ListOutcome {
  return { kind: 'unavailable', reason: 'invalid-response', detail };
}

import { issueLines } from '../../vocabulary/issues.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxEngine } from './engine.js';
import { INVALID_PARAMETER_CODE } from './create-payout.js';
import { applyFault, sendGatewayError, sendJson } from './http.js';
import type { SandboxMerchant } from './options.js';
import type { SandboxOrder } from './order.js';
import type { Answer } from './record.js';
import { queryItem } from './wire.js';

const seconds = z
  .string()
  .regex(/^[0-9]{1,10}$/, 'Unix seconds')
  .transform(Number)
  .optional();

/** Query parameters of the list form. Unknown parameters are ignored, as web APIs do. */
const listParamsSchema = z.object({
  payout_cl_id: z.string().min(1, 'must not be empty').optional(),
  payout_id: z.string().min(1, 'must not be empty').optional(),
  offset: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a whole number')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a whole number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'from 1 to 500')
    .optional(),
  create_time__gte: seconds,
  create_time__lte: seconds,
});

/**
 * The merchant whose token is in `Authorization` (exactly the token, no scheme); otherwise answers
 * 0006 and records it under `recordId` when the query named one.
 */
function authorize(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  form: 'list' | 'single',
  url: URL,
  recordId: string | null,
): SandboxMerchant | undefined {
  const token = req.headers.authorization;
  const merchant = token === undefined ? undefined : engine.merchantByToken(token);
  if (merchant) return merchant;
  const answer = sendGatewayError(res, '0006', 'Invalid Authorization');
  if (recordId)
    engine.records.for(recordId).queries.push({
      at: engine.now,
      form,
      target: url.pathname + url.search,
      outcome: '0006',
      answer,
    });
  return undefined;
}

/**
 * `GET /gateway/api/v{1,2}/payouts?…`: the list form, `{error_code, data: [...], total}`.
 * A query that names one order (payout_cl_id or payout_id) is counted for that order's scenario
 * (failures, regression, on-query progress) and goes into its record.
 */
export function handleList(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const merchant = authorize(engine, req, res, 'list', url, url.searchParams.get('payout_cl_id'));
  if (!merchant) return;
  const target = url.pathname + url.search;
  const parsed = listParamsSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issues = issueLines(parsed.error, { root: '(query)' }).join('; ');
    sendGatewayError(res, INVALID_PARAMETER_CODE, `Invalid parameter: ${issues}`);
    return;
  }
  const p = parsed.data;
  const named = p.payout_cl_id !== undefined || p.payout_id !== undefined;
  let candidates: SandboxOrder[];
  if (named) {
    const byClId =
      p.payout_cl_id === undefined
        ? undefined
        : engine.findOrder(merchant.platformId, p.payout_cl_id);
    const byId =
      p.payout_id === undefined
        ? undefined
        : engine.findByPayoutId(merchant.platformId, p.payout_id);
    const order =
      p.payout_cl_id !== undefined && p.payout_id !== undefined
        ? byClId === byId
          ? byClId
          : undefined
        : (byClId ?? byId);
    candidates = order ? [order] : [];
  } else {
    candidates = engine.ordersOf(merchant.platformId);
  }
  const matching = candidates.filter((o) => {
    if (!engine.visibleToQueries(o)) return false;
    const created = Math.floor(o.createTimeMs / 1000);
    if (p.create_time__gte !== undefined && created < p.create_time__gte) return false;
    if (p.create_time__lte !== undefined && created > p.create_time__lte) return false;
    return true;
  });
  const namedOrder = named ? matching[0] : undefined;
  const recordId = p.payout_cl_id ?? namedOrder?.payoutClId;
  const note = (answer: Answer, outcome: string, reportedStatus?: number): void => {
    if (recordId === undefined) return;
    engine.records.for(recordId).queries.push({
      at: engine.now,
      form: 'list',
      target,
      platformId: merchant.platformId,
      outcome,
      answer,
      ...(reportedStatus !== undefined ? { reportedStatus } : {}),
    });
  };

  if (namedOrder) {
    const fault = engine.queryArrived(namedOrder);
    if (fault) return note(applyFault(req, res, fault), fault);
  }
  const offset = p.offset ?? 0;
  const limit = p.limit ?? 25;
  const page = matching.slice(offset, offset + limit);
  let reportedStatus: number | undefined;
  const data = page.map((order) => {
    const reported = engine.report(order, order === namedOrder);
    if (order === namedOrder) reportedStatus = reported.statusCode;
    return queryItem(order, reported, merchant, engine.settings.numbers);
  });
  const answer = sendJson(res, 200, { error_code: '0000', data, total: matching.length });
  note(answer, data.length > 0 ? '0000' : '0000-empty', reportedStatus);
}

/** `GET /gateway/api/v{1,2}/payouts/{payout_cl_id}`: one order, or 0050. */
export function handleSingle(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  payoutClId: string,
): void {
  const merchant = authorize(engine, req, res, 'single', url, payoutClId);
  if (!merchant) return;
  const found = engine.findOrder(merchant.platformId, payoutClId);
  const order = found && engine.visibleToQueries(found) ? found : undefined;
  const note = (answer: Answer, outcome: string, reportedStatus?: number): void => {
    engine.records.for(payoutClId).queries.push({
      at: engine.now,
      form: 'single',
      target: url.pathname + url.search,
      platformId: merchant.platformId,
      outcome,
      answer,
      ...(reportedStatus !== undefined ? { reportedStatus } : {}),
    });
  };
  if (!order) return note(sendGatewayError(res, '0050', 'No such order'), '0050');
  const fault = engine.queryArrived(order);
  if (fault) return note(applyFault(req, res, fault), fault);
  const reported = engine.report(order, true);
  const item = queryItem(order, reported, merchant, engine.settings.numbers);
  note(sendJson(res, 200, { error_code: '0000', data: item }), '0000', reported.statusCode);
}

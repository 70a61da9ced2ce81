import { issueLines } from '../../vocabulary/issues.js';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxEngine } from './engine.js';
import { INVALID_PARAMETER_CODE } from './create-payout.js';
import { applyFault, sendGatewayError, sendJson } from './http.js';
import type { OrderRecord, SandboxOrder } from './state.js';
import { queryItem } from './wire.js';

const digits = (max: number, rule: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9]{1,${max}}$`), rule)
    .transform(Number)
    .optional();

/** Query parameters of the list form. Unknown parameters are ignored, as web APIs do. */
const listParamsSchema = z.object({
  payout_cl_id: z.string().min(1, 'must not be empty').optional(),
  payout_id: z.string().min(1, 'must not be empty').optional(),
  offset: digits(9, 'a whole number'),
  limit: digits(9, 'a whole number').refine((n) => n === undefined || (n >= 1 && n <= 500), {
    message: 'from 1 to 500',
  }),
  create_time__gte: digits(10, 'Unix seconds'),
  create_time__lte: digits(10, 'Unix seconds'),
});

type Result = Omit<OrderRecord['queries'][number], 'at' | 'form' | 'target'>;

/**
 * `GET /gateway/api/v{1,2}/payouts?…` (the list form, `{error_code, data: [...], total}`) and,
 * with `single`, `GET …/payouts/{payout_cl_id}` (one object, or 0050). Both want `Authorization`
 * to be exactly the merchant's token (no scheme), else 0006. A query that names one order
 * (payout_cl_id or payout_id) is counted for that order's scenario (failures, regression,
 * on-query progress) and goes into the record of its payout_cl_id.
 */
export function handleQuery(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  single?: string,
): void {
  const given = Buffer.from(req.headers.authorization ?? '', 'utf8');
  const wanted = Buffer.from(engine.settings.merchant.authToken, 'utf8');
  const authorized = given.length === wanted.length && timingSafeEqual(given, wanted);
  const named = single ?? url.searchParams.get('payout_cl_id') ?? undefined;
  const [recordId, result] = !authorized
    ? [named, { outcome: '0006', answer: sendGatewayError(res, '0006', 'Invalid Authorization') }]
    : single !== undefined
      ? [single, answerSingle(engine, req, res, single)]
      : answerList(engine, req, res, url);
  if (recordId === undefined) return;
  const entry = {
    at: engine.now,
    form: single === undefined ? 'list' : 'single',
    target: url.pathname + url.search,
  } as const;
  engine.recordFor(recordId).queries.push({ ...entry, ...result });
}

/** The scenario's fault for a query naming `order`, or its answer around the signed item. */
function answerOrder(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  order: SandboxOrder,
  body: (item: ReturnType<typeof queryItem>) => unknown,
): Result {
  const fault = engine.queryArrived(order);
  if (fault) return { answer: applyFault(req, res, fault), outcome: fault };
  const reported = engine.report(order, true);
  const item = queryItem(order, reported, engine.settings.merchant);
  const answer = sendJson(res, 200, body(item));
  return { answer, outcome: '0000', reportedStatus: reported.statusCode };
}

function answerSingle(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  payoutClId: string,
): Result {
  const order = engine.findOrder(payoutClId);
  if (!order || !engine.visibleToQueries(order))
    return { answer: sendGatewayError(res, '0050', 'No such order'), outcome: '0050' };
  return answerOrder(engine, req, res, order, (item) => ({ error_code: '0000', data: item }));
}

function answerList(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): [string | undefined, Result] {
  const parsed = listParamsSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issues = issueLines(parsed.error, { root: '(query)' }).join('; ');
    sendGatewayError(res, INVALID_PARAMETER_CODE, `Invalid parameter: ${issues}`);
    return [undefined, { outcome: INVALID_PARAMETER_CODE, answer: { kind: 'no-answer' } }];
  }
  const p = parsed.data;
  const named = p.payout_cl_id !== undefined || p.payout_id !== undefined;
  const byClId = p.payout_cl_id === undefined ? undefined : engine.findOrder(p.payout_cl_id);
  const byId = p.payout_id === undefined ? undefined : engine.findByPayoutId(p.payout_id);
  const both = p.payout_cl_id !== undefined && p.payout_id !== undefined;
  const one = both ? (byClId === byId ? byClId : undefined) : (byClId ?? byId);
  const matching = (named ? (one ? [one] : []) : engine.merchantOrders()).filter((o) => {
    const created = Math.floor(o.createTimeMs / 1000);
    return (
      engine.visibleToQueries(o) &&
      (p.create_time__gte === undefined || created >= p.create_time__gte) &&
      (p.create_time__lte === undefined || created <= p.create_time__lte)
    );
  });
  const offset = p.offset ?? 0;
  const onPage = matching.slice(offset, offset + (p.limit ?? 25));
  const page = (data: unknown[]) => ({ error_code: '0000', data, total: matching.length });
  const order = named ? onPage[0] : undefined;
  const recordId = p.payout_cl_id ?? order?.payoutClId;
  if (order) return [recordId, answerOrder(engine, req, res, order, (item) => page([item]))];
  const merchant = engine.settings.merchant;
  const items = onPage.map((o) => queryItem(o, engine.report(o, false), merchant));
  const answer = sendJson(res, 200, page(items));
  return [recordId, { answer, outcome: items.length > 0 ? '0000' : '0000-empty' }];
}

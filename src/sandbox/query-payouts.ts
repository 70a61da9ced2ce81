import { issueLines } from '../../vocabulary/issues.js';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxEngine } from './engine.js';
import { INVALID_PARAMETER_CODE } from './create-payout.js';
import { applyFault, sendGatewayError, sendJson } from './http.js';
import type { Answer, OrderRecord, SandboxOrder } from './state.js';
import { queryItem } from './wire.js';

const seconds = z
  .string()
  .regex(/^[0-9]{1,10}$/, 'Unix seconds')
  .transform(Number)
  .optional();
const whole = z
  .string()
  .regex(/^[0-9]{1,9}$/, 'a whole number')
  .transform(Number);

/** Query parameters of the list form. Unknown parameters are ignored, as web APIs do. */
const listParamsSchema = z.object({
  payout_cl_id: z.string().min(1, 'must not be empty').optional(),
  payout_id: z.string().min(1, 'must not be empty').optional(),
  offset: whole.optional(),
  limit: whole.refine((n) => n >= 1 && n <= 500, 'from 1 to 500').optional(),
  create_time__gte: seconds,
  create_time__lte: seconds,
});

type Query = Omit<OrderRecord['queries'][number], 'answer' | 'outcome' | 'reportedStatus'>;

/**
 * Answers one query: 0006 unless `Authorization` is exactly the merchant's token (no scheme);
 * else `answer` says what to send. A query about one payout_cl_id goes into its record.
 */
function handleQuery(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  form: Query['form'],
  answer: () => {
    recordId: string | undefined;
    answer: Answer;
    outcome: string;
    reportedStatus?: number;
  },
  recordIdOnRefusal: string | null,
): void {
  const entry: Query = { at: engine.now, form, target: url.pathname + url.search };
  const given = Buffer.from(req.headers.authorization ?? '', 'utf8');
  const wanted = Buffer.from(engine.settings.merchant.authToken, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    const refused = sendGatewayError(res, '0006', 'Invalid Authorization');
    if (recordIdOnRefusal)
      engine
        .recordFor(recordIdOnRefusal)
        .queries.push({ ...entry, outcome: '0006', answer: refused });
    return;
  }
  const { recordId, ...result } = answer();
  if (recordId !== undefined) engine.recordFor(recordId).queries.push({ ...entry, ...result });
}

/** The scenario's fault for a query naming `order`, or its answer. */
function answerOrder(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  order: SandboxOrder,
  body: (item: ReturnType<typeof queryItem>) => unknown,
): { answer: Answer; outcome: string; reportedStatus?: number } {
  const fault = engine.queryArrived(order);
  if (fault) return { answer: applyFault(req, res, fault), outcome: fault };
  const reported = engine.report(order, true);
  const item = queryItem(order, reported, engine.settings.merchant);
  return {
    answer: sendJson(res, 200, body(item)),
    outcome: '0000',
    reportedStatus: reported.statusCode,
  };
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
  handleQuery(
    engine,
    req,
    res,
    url,
    'list',
    () => {
      const parsed = listParamsSchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        const issues = issueLines(parsed.error, { root: '(query)' }).join('; ');
        const answer = sendGatewayError(
          res,
          INVALID_PARAMETER_CODE,
          `Invalid parameter: ${issues}`,
        );
        return { recordId: undefined, answer, outcome: INVALID_PARAMETER_CODE };
      }
      const p = parsed.data;
      const named = p.payout_cl_id !== undefined || p.payout_id !== undefined;
      const byClId = p.payout_cl_id === undefined ? undefined : engine.findOrder(p.payout_cl_id);
      const byId = p.payout_id === undefined ? undefined : engine.findByPayoutId(p.payout_id);
      const both = p.payout_cl_id !== undefined && p.payout_id !== undefined;
      const one = both ? (byClId === byId ? byClId : undefined) : (byClId ?? byId);
      const candidates = named ? (one ? [one] : []) : engine.merchantOrders();
      const matching = candidates.filter((o) => {
        const created = Math.floor(o.createTimeMs / 1000);
        return (
          engine.visibleToQueries(o) &&
          (p.create_time__gte === undefined || created >= p.create_time__gte) &&
          (p.create_time__lte === undefined || created <= p.create_time__lte)
        );
      });
      const offset = p.offset ?? 0;
      const onPage = matching.slice(offset, offset + (p.limit ?? 25));
      const namedOrder = named ? onPage[0] : undefined;
      const recordId = p.payout_cl_id ?? namedOrder?.payoutClId;
      const page = (items: unknown[]) => ({
        error_code: '0000',
        data: items,
        total: matching.length,
      });
      if (namedOrder)
        return { recordId, ...answerOrder(engine, req, res, namedOrder, (item) => page([item])) };
      const items = onPage.map((o) =>
        queryItem(o, engine.report(o, false), engine.settings.merchant),
      );
      const answer = sendJson(res, 200, page(items));
      return { recordId, answer, outcome: items.length > 0 ? '0000' : '0000-empty' };
    },
    url.searchParams.get('payout_cl_id'),
  );
}

/** `GET /gateway/api/v{1,2}/payouts/{payout_cl_id}`: one order, or 0050. */
export function handleSingle(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  payoutClId: string,
): void {
  handleQuery(
    engine,
    req,
    res,
    url,
    'single',
    () => {
      const found = engine.findOrder(payoutClId);
      if (!found || !engine.visibleToQueries(found))
        return {
          recordId: payoutClId,
          answer: sendGatewayError(res, '0050', 'No such order'),
          outcome: '0050',
        };
      const result = answerOrder(engine, req, res, found, (item) => ({
        error_code: '0000',
        data: item,
      }));
      return { recordId: payoutClId, ...result };
    },
    payoutClId,
  );
}

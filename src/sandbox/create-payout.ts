import { issueLines } from '../../vocabulary/issues.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { receivedSignMode, verifySign, type WireValue } from '../gateway/sign.js';
import type { SandboxEngine } from './engine.js';
import { applyFault, sendGatewayError, sendJson } from './http.js';
import type { Answer, CreateEntry } from './state.js';

/** The sandbox's own code for a malformed create or query (the gateway publishes none). */
export const INVALID_PARAMETER_CODE = '0001';

/**
 * The code for a duplicate payout_cl_id: the gateway publishes none, so deliberately not a known
 * rejection (src/sandbox/README.md).
 */
export const DUPLICATE_CODE = '0011';

const REJECTION_MESSAGES = {
  '0004': 'Signature verification failed!',
  '0012': 'Unsupported bank',
  '0018': 'Insufficient merchant balance',
} as const;

/** An integer sent as a JSON number or as a string of digits (the docs' example uses strings). */
const wireInteger = (maxDigits: number) =>
  z.unknown().transform((value, ctx): number => {
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text === 'string' && new RegExp(`^[0-9]{1,${maxDigits}}$`).test(text))
      return Number(text);
    const message = `required, an integer of at most ${maxDigits} digits, as a number or a string`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

const text = (max: number) =>
  z
    .string({ error: 'required, a string' })
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

const optionalText = (max: number) =>
  z.string({ error: 'a string' }).max(max, `at most ${max} characters`).optional();

/** The create call's fields after the sign checked out. Unknown extra fields are allowed. */
const createFieldsSchema = z
  .object({
    platform_id: text(32),
    service_id: z.literal('SVC0004', { error: 'must be SVC0004' }),
    payout_cl_id: text(32),
    amount: wireInteger(10).refine((v) => v > 0, 'must be positive'),
    notify_url: z
      .string({ error: 'a string' })
      .max(256, 'at most 256 characters')
      .refine((v) => v === '' || isHttpUrl(v), 'an http(s) URL')
      .optional(),
    bank_name: text(64),
    name: text(64),
    number: text(34),
    bank_branch: optionalText(128),
    province: optionalText(64),
    city: optionalText(64),
    request_time: wireInteger(10),
    sign: text(64),
    sign_type: optionalText(32),
  })
  .loose();

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `POST /gateway/api/v{1,2}/payouts`. Checks, in order: JSON object; the merchant's platform_id
 * and its sign over the fields as received (0004); the fields (0001); a duplicate payout_cl_id
 * (0011, no second order). Then the scenario decides.
 */
export function handleCreate(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  bodyText: string,
): void {
  const at = engine.now;
  let fields: Record<string, WireValue> | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      fields = parsed as Record<string, WireValue>;
  } catch {
    // Not JSON: answered below.
  }
  if (fields === undefined) {
    const message = 'Invalid parameter: the body must be a JSON object';
    sendGatewayError(res, INVALID_PARAMETER_CODE, message);
    return;
  }

  const clId = typeof fields['payout_cl_id'] === 'string' ? fields['payout_cl_id'] : undefined;
  const platformId = typeof fields['platform_id'] === 'string' ? fields['platform_id'] : undefined;
  const note = (entry: Omit<CreateEntry, 'at' | 'path' | 'bodyText'>): void => {
    if (clId !== undefined && clId !== '')
      engine.recordFor(clId).creates.push({ at, path, bodyText, ...entry });
  };
  const refuse = (code: string, message: string): void => {
    note({ created: false, outcome: code, answer: sendGatewayError(res, code, message) });
  };

  if (platformId === undefined) {
    refuse(INVALID_PARAMETER_CODE, 'Invalid parameter: platform_id: required, a string');
    return;
  }
  const merchant = engine.settings.merchant;
  // An unknown merchant has no key to check the sign with: the same answer as a bad sign.
  const mode = receivedSignMode(fields['sign_type'], merchant.signMode);
  if (platformId !== merchant.platformId || !verifySign(fields, merchant.secret, mode))
    return refuse('0004', REJECTION_MESSAGES['0004']);

  const checked = createFieldsSchema.safeParse(fields);
  if (!checked.success) {
    const issues = issueLines(checked.error, { root: '(body)' }).join('; ');
    return refuse(INVALID_PARAMETER_CODE, `Invalid parameter: ${issues}`);
  }
  const data = checked.data;
  if (engine.exists(data.payout_cl_id))
    return refuse(DUPLICATE_CODE, 'Duplicate payout_cl_id: the order already exists');

  const { scenario, ruleName } = engine.scenarioFor(data.payout_cl_id, data.amount);
  const create = scenario.create;
  if (create.kind === 'reject') return refuse(create.code, REJECTION_MESSAGES[create.code]);
  if (create.kind === 'lost') {
    // Held open and never answered; nothing is created.
    note({ created: false, outcome: 'lost', answer: { kind: 'no-answer' } });
    return;
  }

  const order = engine.createOrder(
    {
      payoutClId: data.payout_cl_id,
      amountCents: data.amount,
      ...(data.notify_url ? { notifyUrl: data.notify_url } : {}),
      bankName: data.bank_name,
      recipientName: data.name,
      accountNumber: data.number,
    },
    scenario,
    ruleName,
  );
  // reject-after-create: the order exists and follows its schedule; only the answer says otherwise.
  const [outcome, answer]: [string, Answer] =
    create.kind === 'accept-then-fault'
      ? [create.fault, applyFault(req, res, create.fault)]
      : create.kind === 'reject-after-create'
        ? [create.code, sendGatewayError(res, create.code, REJECTION_MESSAGES[create.code])]
        : ['0000', sendJson(res, 200, { error_code: '0000', data: { payout_id: order.payoutId } })];
  note({ created: true, payoutId: order.payoutId, outcome, answer });
}

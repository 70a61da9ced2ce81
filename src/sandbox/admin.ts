import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { ValidationError, toFieldIssues, type FieldIssue } from '../errors.js';
import type { SandboxEngine } from './engine.js';
import { SandboxOrderError } from './errors.js';
import { sendJson } from './http.js';

/** The admin API's prefix. */
export const ADMIN_PREFIX = '/_sandbox';

const addRuleBodySchema = z
  .object({
    rule: z.unknown().refine((v) => v !== undefined, 'required'),
    position: z.enum(['first', 'last'], { error: 'first or last' }).default('first'),
  })
  .strict();

const setRulesBodySchema = z.object({ rules: z.unknown() }).strict();

const forceBodySchema = z
  .object({ status: z.unknown().refine((v) => v !== undefined, 'required') })
  .strict();

function sendError(
  res: ServerResponse,
  httpStatus: number,
  code: string,
  message: string,
  issues?: readonly FieldIssue[],
): void {
  sendJson(res, httpStatus, { error: { code, message, ...(issues ? { issues } : {}) } });
}

function parseBody(bodyText: string): unknown {
  if (bodyText.trim() === '') return {};
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    throw new ValidationError('admin request', [{ field: '(body)', rule: 'must be JSON' }]);
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(subject, toFieldIssues(result.error));
  return result.data;
}

/**
 * The admin API (JSON in, JSON out; see src/sandbox/README.md), open to whoever reaches the
 * sandbox: keep it on loopback. Bad input gets 400 with the issues naming each field and changes
 * nothing.
 */
export function handleAdmin(
  engine: SandboxEngine,
  method: string,
  res: ServerResponse,
  url: URL,
  bodyText: string,
): void {
  try {
    route(engine, method, url, bodyText, res);
  } catch (error) {
    if (error instanceof ValidationError) {
      sendError(res, 400, error.code, error.message, error.issues);
    } else if (error instanceof SandboxOrderError) {
      sendError(res, 404, error.code, error.message);
    } else {
      throw error;
    }
  }
}

function route(
  engine: SandboxEngine,
  method: string,
  url: URL,
  bodyText: string,
  res: ServerResponse,
): void {
  const path = url.pathname.slice(ADMIN_PREFIX.length);
  const ok = (body: unknown): void => void sendJson(res, 200, body);

  if (path === '/health' && method === 'GET') return ok({ ok: true });
  if (path === '/rules') {
    if (method === 'GET') return ok({ rules: engine.rules() });
    if (method === 'PUT') {
      const body = validate(setRulesBodySchema, parseBody(bodyText), 'admin request');
      try {
        return ok({ rules: engine.setRules(body.rules) });
      } catch (error) {
        throw prefixIssues(error, 'rules.');
      }
    }
    if (method === 'POST') {
      const body = validate(addRuleBodySchema, parseBody(bodyText), 'admin request');
      try {
        return ok({ rules: engine.addRule(body.rule, body.position) });
      } catch (error) {
        throw prefixIssues(error, 'rule.');
      }
    }
    if (method === 'DELETE') return ok({ rules: engine.setRules(engine.settings.rules) });
  }
  if (path === '/reset' && method === 'POST') {
    engine.reset();
    return ok({ ok: true });
  }
  if (path === '/orders' && method === 'GET') return ok({ orders: engine.orderViews() });

  const match = /^\/orders\/([^/]+)(\/record|\/status)?$/.exec(path);
  if (match?.[1] !== undefined) {
    const clId = decodeURIComponent(match[1]);
    const sub = match[2];
    if (sub === undefined && method === 'GET') {
      const order = engine.orderView(clId);
      if (!order) return sendError(res, 404, 'ERR_SANDBOX_ORDER_NOT_FOUND', `No order ${clId}`);
      return ok({ order });
    }
    if (sub === '/record' && method === 'GET') return ok(engine.record(clId));
    if (sub === '/status' && method === 'POST') {
      const body = validate(forceBodySchema, parseBody(bodyText), 'admin request');
      return ok({ order: engine.forceStatus(clId, body.status) });
    }
  }
  sendError(res, 404, 'ERR_SANDBOX_NO_ROUTE', `No admin route ${method} ${url.pathname}`);
}

function prefixIssues(error: unknown, prefix: string): unknown {
  if (!(error instanceof ValidationError)) return error;
  const field = (f: string): string => (f === '(root)' ? prefix.slice(0, -1) : prefix + f);
  return new ValidationError(
    error.subject,
    error.issues.map((i) => ({ field: field(i.field), rule: i.rule })),
  );
}

import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';
import { parse, type SandboxEngine } from './engine.js';
import { SandboxOrderError } from './errors.js';
import { sendJson } from './http.js';
import { ruleSchema, rulesSchema } from './scenario.js';

/** The admin API's prefix. */
export const ADMIN_PREFIX = '/_sandbox';

const BODIES = {
  setRules: z.object({ rules: rulesSchema }).strict(),
  addRule: z
    .object({
      rule: ruleSchema,
      position: z.enum(['first', 'last'], { error: 'first or last' }).default('first'),
    })
    .strict(),
  force: z.object({ status: z.unknown().refine((v) => v !== undefined, 'required') }).strict(),
};

function sendError(
  res: ServerResponse,
  httpStatus: number,
  code: string,
  message: string,
  issues?: readonly FieldIssue[],
): void {
  sendJson(res, httpStatus, { error: { code, message, ...(issues ? { issues } : {}) } });
}

/**
 * The admin API (JSON in, JSON out; see src/sandbox/README.md), open to whoever reaches the
 * sandbox: keep it on loopback. Bad input gets 400 with the issues naming each field and changes
 * nothing; an unknown order 404.
 */
export function handleAdmin(
  engine: SandboxEngine,
  method: string,
  res: ServerResponse,
  url: URL,
  bodyText: string,
): void {
  const body = <T>(schema: z.ZodType<T>): T => {
    let json: unknown = {};
    try {
      if (bodyText.trim() !== '') json = JSON.parse(bodyText);
    } catch {
      throw new ValidationError('admin request', [{ field: '(body)', rule: 'must be JSON' }]);
    }
    return parse(schema, json, 'admin request');
  };
  const ok = (answer: unknown): void => void sendJson(res, 200, answer);
  const path = url.pathname.slice(ADMIN_PREFIX.length);
  const [, order, sub] = /^\/orders\/([^/]+)(\/record|\/status)?$/.exec(path) ?? [];
  const clId = order === undefined ? undefined : decodeURIComponent(order);
  try {
    if (path === '/health' && method === 'GET') ok({ ok: true });
    else if (path === '/rules' && method === 'GET') ok({ rules: engine.rules() });
    else if (path === '/rules' && method === 'PUT')
      ok({ rules: engine.setRules(body(BODIES.setRules).rules) });
    else if (path === '/rules' && method === 'POST') {
      const { rule, position } = body(BODIES.addRule);
      ok({ rules: engine.addRule(rule, position) });
    } else if (path === '/rules' && method === 'DELETE')
      ok({ rules: engine.setRules(engine.settings.rules) });
    else if (path === '/reset' && method === 'POST') ok({ ok: (engine.reset(), true) });
    else if (path === '/orders' && method === 'GET') ok({ orders: engine.orderViews() });
    else if (clId !== undefined && sub === undefined && method === 'GET') {
      const view = engine.orderView(clId);
      if (!view) throw new SandboxOrderError(clId);
      ok({ order: view });
    } else if (clId !== undefined && sub === '/record' && method === 'GET') ok(engine.record(clId));
    else if (clId !== undefined && sub === '/status' && method === 'POST')
      ok({ order: engine.forceStatus(clId, body(BODIES.force).status) });
    else sendError(res, 404, 'ERR_SANDBOX_NO_ROUTE', `No admin route ${method} ${url.pathname}`);
  } catch (error) {
    if (error instanceof ValidationError)
      sendError(res, 400, error.code, error.message, error.issues);
    else if (error instanceof SandboxOrderError) sendError(res, 404, error.code, error.message);
    else throw error;
  }
}

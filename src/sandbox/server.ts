import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { handleAdmin, ADMIN_PREFIX } from './admin.js';
import { CallbackSender } from './callbacks.js';
import { TimerGroup, systemClock } from './clock.js';
import { handleCreate } from './create-payout.js';
import { SandboxEngine, type SandboxRecord } from './engine.js';
import { BodyTooLargeError, readBody, sendJson } from './http.js';
import { silentLogger } from './logger.js';
import {
  parseSandboxSettings,
  type SandboxMerchant,
  type SandboxOptions,
  type SandboxSettings,
} from './options.js';
import type { OrderView } from './order.js';
import { RecordBook } from './record.js';
import { handleList, handleSingle } from './query-payouts.js';
import type { Rule, RuleInput } from './scenario.js';
import { StateSaver } from './state-saver.js';
import { readStateFile } from './state-file.js';
import type { StatusName } from './status.js';

/** A running sandbox gateway. Everything the admin API does is also here, as methods. */
export interface SandboxGateway {
  /** Base URL, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly settings: SandboxSettings;
  readonly merchants: readonly SandboxMerchant[];
  /** The scenario rules in effect, first match wins. */
  rules(): readonly Rule[];
  /** Replaces the rules; throws ValidationError naming the field. */
  setRules(rules: readonly RuleInput[]): readonly Rule[];
  /** Adds a rule, by default in front of the others. */
  addRule(rule: RuleInput, position?: 'first' | 'last'): readonly Rule[];
  /** Restores the rules the sandbox started with. */
  resetRules(): readonly Rule[];
  orders(): OrderView[];
  order(payoutClId: string, platformId?: string): OrderView | undefined;
  /** Every create, query, callback and status change seen for the id. */
  record(payoutClId: string): SandboxRecord;
  /** Forces a status (name or code 0-99); a final one sends the callbacks. */
  forceStatus(
    payoutClId: string,
    status: StatusName | number,
    options?: { platformId?: string },
  ): OrderView;
  /** Forgets every order and record; restores the starting rules. */
  reset(): void;
  /** Resolves when every callback started so far has been acknowledged or given up. */
  callbacksIdle(): Promise<void>;
  /** Writes the state file now, if there is one and anything changed since the last write. */
  saveState(): Promise<void>;
  /**
   * Stops everything: sockets (hanging requests too), timers, callbacks; then writes the state
   * file one last time (rejecting when that fails). Idempotent.
   */
  close(): Promise<void>;
}

const GATEWAY_PATH = /^\/gateway\/api\/v[12]\/payouts(?:\/([^/]+))?\/?$/;

/**
 * Starts a sandbox payout gateway on `host:port` (default 127.0.0.1, an ephemeral port). With
 * `stateFile`, first loads the orders saved there. Throws ValidationError when the options break
 * a rule, SandboxStateError when the state file cannot be used.
 */
export async function startSandboxGateway(options: SandboxOptions = {}): Promise<SandboxGateway> {
  const settings = parseSandboxSettings(options);
  const logger = options.logger ?? silentLogger;
  // Read before anything starts: a bad file stops the start with nothing to clean up.
  const saved =
    settings.stateFile === undefined ? undefined : await readStateFile(settings.stateFile);
  let saver: StateSaver | undefined;
  const changed = (): void => saver?.changed();
  const timers = new TimerGroup(options.clock ?? systemClock);
  // The sandbox closes only a dispatcher it made itself.
  let ownAgent: Agent | undefined;
  const dispatcher =
    options.dispatcher ??
    (ownAgent = new Agent({
      connect: { timeout: settings.callbacks.timeoutMs },
      keepAliveTimeout: 1000,
    }));
  const records = new RecordBook();
  const callbacks = new CallbackSender({
    dispatcher,
    timers,
    delivery: settings.callbacks,
    records,
    logger,
    numbers: settings.numbers,
    changed,
  });
  const engine = new SandboxEngine(settings, { timers, logger, callbacks, records, changed });
  // Before listening, so no request ever sees the sandbox without its saved orders.
  if (saved) engine.restore(saved);

  const server = createServer((req, res) => {
    void handle(engine, req, res)
      .catch((error: unknown) => {
        logger.warn('request failed', {
          error: error instanceof Error ? error.message : 'unknown',
        });
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error_code: '9999' });
        else res.destroy();
      })
      // Requests fill records and move orders (on-query): save what they changed.
      .finally(changed);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Restored orders may have armed timers and started callbacks: stop them. No saver exists
    // yet, so the state file stays as it was.
    timers.close();
    await callbacks.close();
    await ownAgent?.destroy();
    throw error;
  }
  if (settings.stateFile !== undefined) {
    saver = new StateSaver(settings.stateFile, () => engine.state(), logger);
    // Restoring may have moved orders on; the snapshot is taken when the write starts.
    if (saved) saver.changed();
  }
  const port = (server.address() as AddressInfo).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;
  logger.info('sandbox gateway listening', {
    url,
    ...(settings.stateFile !== undefined
      ? { state_file: settings.stateFile, orders_loaded: saved?.orders.length ?? 0 }
      : {}),
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      timers.close();
      await callbacks.close();
      await ownAgent?.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await saver?.close();
      logger.info('sandbox gateway closed', { url });
    })();
    return closing;
  };

  return {
    url,
    port,
    settings,
    merchants: settings.merchants,
    rules: () => engine.rules(),
    setRules: (rules) => engine.setRules(rules),
    addRule: (rule, position) => engine.addRule(rule, position),
    resetRules: () => engine.resetRules(),
    orders: () => engine.orderViews(),
    order: (payoutClId, platformId) => engine.orderView(payoutClId, platformId),
    record: (payoutClId) => engine.record(payoutClId),
    forceStatus: (payoutClId, status, opts) =>
      engine.forceStatus(payoutClId, status, opts?.platformId),
    reset: () => engine.reset(),
    callbacksIdle: () => callbacks.idle(),
    saveState: async () => saver?.flush(),
    close,
  };
}

async function handle(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  let bodyText: string;
  try {
    bodyText = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, { error_code: '0001', error_msg: 'Request body too large' });
      return;
    }
    throw error;
  }
  const method = req.method ?? 'GET';
  if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
    handleAdmin(engine, req, res, url, bodyText);
    return;
  }
  const match = GATEWAY_PATH.exec(url.pathname);
  if (!match) {
    sendJson(res, 404, { error_code: '0404', error_msg: 'Not found' });
    return;
  }
  const clId = match[1];
  if (clId === undefined && method === 'POST') {
    handleCreate(engine, req, res, url.pathname, bodyText);
  } else if (clId === undefined && method === 'GET') {
    handleList(engine, req, res, url);
  } else if (clId !== undefined && method === 'GET') {
    handleSingle(engine, req, res, url, decodeURIComponent(clId));
  } else {
    res.setHeader('allow', clId === undefined ? 'GET, POST' : 'GET');
    sendJson(res, 405, { error_code: '0405', error_msg: 'Method not allowed' });
  }
}

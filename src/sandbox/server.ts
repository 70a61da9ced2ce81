import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { handleAdmin, ADMIN_PREFIX } from './admin.js';
import { CallbackSender } from './callbacks.js';
import { TimerGroup, systemClock } from './clock.js';
import { handleCreate } from './create-payout.js';
import { SandboxEngine } from './engine.js';
import { readBody, sendJson } from './http.js';
import { silentLogger } from './logger.js';
import { parseSandboxSettings, type SandboxOptions } from './options.js';
import { handleQuery } from './query-payouts.js';
import { StateSaver, readStateFile } from './state-file.js';
import type { OrderRecord } from './state.js';

/** A running sandbox gateway. The admin API's calls are also here, as methods of the engine. */
export type SandboxGateway = Pick<
  SandboxEngine,
  'settings' | 'rules' | 'setRules' | 'addRule' | 'record' | 'forceStatus' | 'reset'
> & {
  /** Base URL, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  orders: SandboxEngine['orderViews'];
  order: SandboxEngine['orderView'];
  /** Resolves when every callback started so far has been acknowledged or given up. */
  callbacksIdle(): Promise<void>;
  /** Writes the state file now, if there is one and anything changed since the last write. */
  saveState(): Promise<void>;
  /**
   * Stops everything: sockets (hanging requests too), timers, callbacks; then writes the state
   * file one last time (rejecting when that fails). Idempotent.
   */
  close(): Promise<void>;
};

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
  const dispatcher = new Agent({
    connect: { timeout: settings.callbacks.timeoutMs },
    keepAliveTimeout: 1000,
  });
  const callbacks: CallbackSender = new CallbackSender({
    dispatcher,
    timers,
    delivery: settings.callbacks,
    merchant: settings.merchant,
    recordFor: (id): OrderRecord => engine.recordFor(id),
    logger,
    changed,
  });
  const engine: SandboxEngine = new SandboxEngine(settings, { timers, logger, callbacks, changed });
  // Before listening, so no request ever sees the sandbox without its saved orders.
  if (saved) engine.restore(saved);
  const stop = async (): Promise<void> => {
    timers.close();
    await callbacks.close();
    await dispatcher.destroy();
  };

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
    await stop();
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
  return {
    url,
    port,
    settings,
    rules: () => engine.rules(),
    setRules: (rules) => engine.setRules(rules),
    addRule: (rule, position) => engine.addRule(rule, position),
    orders: () => engine.orderViews(),
    order: (payoutClId) => engine.orderView(payoutClId),
    record: (payoutClId) => engine.record(payoutClId),
    forceStatus: (payoutClId, status) => engine.forceStatus(payoutClId, status),
    reset: () => engine.reset(),
    callbacksIdle: () => callbacks.idle(),
    saveState: async () => saver?.flush(),
    close: () =>
      (closing ??= (async () => {
        await stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await saver?.close();
        logger.info('sandbox gateway closed', { url });
      })()),
  };
}

async function handle(
  engine: SandboxEngine,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const bodyText = await readBody(req);
  if (bodyText === undefined) {
    sendJson(res, 413, { error_code: '0001', error_msg: 'Request body too large' });
    return;
  }
  const method = req.method ?? 'GET';
  if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`))
    return handleAdmin(engine, method, res, url, bodyText);
  const match = GATEWAY_PATH.exec(url.pathname);
  if (!match) {
    sendJson(res, 404, { error_code: '0404', error_msg: 'Not found' });
    return;
  }
  const clId = match[1];
  if (clId === undefined && method === 'POST')
    handleCreate(engine, req, res, url.pathname, bodyText);
  else if (method === 'GET')
    handleQuery(engine, req, res, url, clId === undefined ? undefined : decodeURIComponent(clId));
  else {
    res.setHeader('allow', clId === undefined ? 'GET, POST' : 'GET');
    sendJson(res, 405, { error_code: '0405', error_msg: 'Method not allowed' });
  }
}

import { request, type Dispatcher } from 'undici';
import type { TimerGroup } from './clock.js';
import type { SandboxLogger } from './logger.js';
import type { SandboxMerchant, SandboxSettings } from './options.js';
import type { OrderRecord, SandboxOrder } from './state.js';
import { callbackBody } from './wire.js';

type PostResult = OrderRecord['callbacks'][number]['response'];

/** How one delivery ended: acknowledged, every attempt refused, or cut short by close(). */
type DeliveryEnd = 'acknowledged' | 'exhausted' | 'interrupted';

/**
 * Sends an order's callbacks to its notify_url as its scenario says (copies, delay, a processing
 * callback after the final one, a bad sign) and retries each until the receiver answers
 * `{"error_code":"0000"}` or the attempts run out. Every attempt goes into the order's record.
 */
export class CallbackSender {
  readonly #tasks = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  constructor(
    private readonly deps: {
      readonly dispatcher: Dispatcher;
      readonly timers: TimerGroup;
      readonly delivery: SandboxSettings['callbacks'];
      readonly merchant: SandboxMerchant;
      readonly recordFor: (payoutClId: string) => OrderRecord;
      readonly logger: SandboxLogger;
      /** Called after every attempt and delivery state change (the state file saves them). */
      readonly changed?: () => void;
    },
  ) {}

  /**
   * Starts delivering the callbacks for the order's (final) status; returns at once. Tracks
   * `order.finalCallback`: `sending` until a copy of the final callback is acknowledged
   * (`acknowledged`) or every copy ran out of attempts (`unacknowledged`). When close() cuts the
   * delivery short, it stays `sending`: a restarted sandbox sends it again.
   */
  sendFinal(order: SandboxOrder): void {
    const { merchant, logger } = this.deps;
    const plan = order.scenario.callbacks;
    const url = order.notifyUrl;
    // After a restart with another merchant configured there is no key to sign with.
    const why = !plan.send
      ? 'scenario sends none'
      : url === undefined
        ? 'no notify_url'
        : order.platformId !== merchant.platformId
          ? 'merchant no longer configured'
          : undefined;
    if (why !== undefined || url === undefined) {
      logger.info('callback not sent', { payout_cl_id: order.payoutClId, why });
      return;
    }
    // The body is fixed when the order finalizes: a late or repeated callback says the same.
    const status = order.statusCode;
    const finalBody = JSON.stringify(callbackBody(order, status, merchant));
    this.#track(order, 'sending');
    const task = (async () => {
      if (plan.delayMs > 0 && !(await this.deps.timers.delay(plan.delayMs))) return;
      for (let copy = 1; copy <= plan.copies; copy++) {
        if (this.deps.timers.closed) return;
        const end = await this.#deliver(order, url, finalBody, status, `copy-${copy}`);
        if (end === 'acknowledged') this.#track(order, 'acknowledged');
        if (end === 'interrupted') return;
      }
      if (order.finalCallback === 'sending') this.#track(order, 'unacknowledged');
      if (plan.processingAfterFinal && !this.deps.timers.closed) {
        const late = JSON.stringify(callbackBody(order, 2, merchant));
        await this.#deliver(order, url, late, 2, 'processing-after-final');
      }
    })();
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** Resolves when every delivery started so far has finished (acknowledged or given up). */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  /** Aborts requests in flight and waits for every delivery loop to stop. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.idle();
  }

  #track(order: SandboxOrder, state: NonNullable<SandboxOrder['finalCallback']>): void {
    order.finalCallback = state;
    this.deps.changed?.();
  }

  async #deliver(
    order: SandboxOrder,
    url: string,
    body: string,
    status: number,
    delivery: string,
  ): Promise<DeliveryEnd> {
    const { attempts, intervalMs } = this.deps.delivery;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.deps.timers.closed) return 'interrupted';
      const at = this.deps.timers.clock.now();
      const response = await this.#post(url, body);
      const acknowledged = 'httpStatus' in response && isAcknowledgement(response);
      this.deps.recordFor(order.payoutClId).callbacks.push({
        at,
        url,
        attempt,
        delivery,
        status,
        body,
        response,
        acknowledged,
      });
      this.deps.logger.info('callback attempt', {
        payout_cl_id: order.payoutClId,
        status,
        delivery,
        attempt,
        acknowledged,
      });
      this.deps.changed?.();
      if (acknowledged) return 'acknowledged';
      // An attempt close() aborted is not the receiver's refusal.
      if (this.deps.timers.closed) return 'interrupted';
      if (attempt < attempts && !(await this.deps.timers.delay(intervalMs))) return 'interrupted';
    }
    this.deps.logger.warn('callback not acknowledged', {
      payout_cl_id: order.payoutClId,
      delivery,
      attempts,
    });
    return 'exhausted';
  }

  async #post(url: string, body: string): Promise<PostResult> {
    const { timeoutMs } = this.deps.delivery;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=utf-8' },
        body,
        dispatcher: this.deps.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: this.#abort.signal,
      });
      const text = await response.body.text();
      return { httpStatus: response.statusCode, body: text.slice(0, 4096) };
    } catch (error) {
      return { error: describeError(error) };
    }
  }
}

/** Whether the receiver answered HTTP 2xx with `{"error_code":"0000"}`. */
function isAcknowledgement({ httpStatus, body }: { httpStatus: number; body: string }): boolean {
  try {
    const parsed = JSON.parse(body) as { error_code?: unknown } | null;
    return httpStatus >= 200 && httpStatus < 300 && parsed?.error_code === '0000';
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

import { Agent, type Dispatcher } from 'undici';
import type { PayoutRequest } from '../client/request.js';
import { type CallbackVerification, verifyCallback } from './callback.js';
import type { GatewayConfig } from './config.js';
import { type ListOutcome, type ListPayoutsInput, listPayouts } from './list.js';
import { type QueryPayoutInput, queryPayout } from './query.js';
import { submitPayout } from './submit.js';
import type { QueryOutcome, SubmitOutcome } from '../../vocabulary/gateway.js';

/** The gateway, as the activities and the callback server use it. */
export interface GatewayClient {
  /** The merchant id the client signs and queries for (`GATEWAY_PLATFORM_ID`). */
  readonly platformId: string;
  /** One create call, never retried. Throws `ValidationError` when nothing could be sent. */
  submitPayout(request: PayoutRequest): Promise<SubmitOutcome>;
  /** One order query, never retried here. Throws `ValidationError` for unusable input. */
  queryPayout(input: QueryPayoutInput): Promise<QueryOutcome>;
  /** One page of the orders created in a window (list form), never retried here. */
  listPayouts(input: ListPayoutsInput): Promise<ListOutcome>;
  /** Verifies a callback body; pure, no I/O. */
  verifyCallback(body: unknown): CallbackVerification;
  /** Closes the dispatcher if the client created it; an injected one is the caller's to close. */
  close(): Promise<void>;
}

/** What {@link createGatewayClient} takes. */
export interface GatewayClientOptions {
  readonly config: GatewayConfig;
  /** Default: {@link createGatewayDispatcher}. */
  readonly dispatcher?: Dispatcher;
  /** Milliseconds since the epoch, for `request_time`. Default: `Date.now`. */
  readonly now?: () => number;
}

/** How long an idle keep-alive connection is kept: below the usual 5 s of servers and proxies. */
const KEEP_ALIVE_MS = 4_000;

/**
 * The default dispatcher: a pooled keep-alive agent with the configured connect, headers and
 * body timeouts. undici never retries a POST on it (no RetryAgent, no interceptors).
 */
export function createGatewayDispatcher(config: GatewayConfig): Agent {
  return new Agent({
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
  });
}

/** Builds a gateway client. See docs/gateway.md for the contract it implements. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const { config } = options;
  const owned = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createGatewayDispatcher(config);
  const now = options.now ?? Date.now;
  let closed = false;
  return {
    platformId: config.platformId,
    submitPayout: (request) => submitPayout(request, { config, dispatcher, now }),
    queryPayout: (input) => queryPayout(input, { config, dispatcher }),
    listPayouts: (input) => listPayouts(input, { config, dispatcher }),
    verifyCallback: (body) => verifyCallback(body, config),
    async close() {
      if (closed || !owned) return;
      closed = true;
      await dispatcher.close();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackVerification } from '../gateway/callback.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import type { Logger } from '../log.js';
import { BodyTooLargeError, endAfterDrain, readBody } from './body.js';
import { DeliveryMemory, callbackDigest } from './memory.js';

/** What handing a verified callback to its payout came to. */
export type DeliveryResult = 'delivered' | 'already-final' | 'disputed' | 'unknown-payout';

/** What the receiver needs; injected so it can be tested without the gateway or Temporal. */
export interface CallbackReceiverDeps {
  /** Verifies the parsed body's sign and shape (the gateway client's `verifyCallback`). */
  readonly verify: (body: unknown) => CallbackVerification;
  /** Signals the payout's workflow. Never starts one. */
  readonly deliver: (notification: PayoutNotification) => Promise<DeliveryResult>;
  readonly log: Logger;
}

/** Limits of the endpoint. */
export interface CallbackReceiverOptions {
  /** Path of the endpoint behind `notify_url`. */
  readonly path: string;
  /** Largest body accepted; the gateway's callbacks are well under 2 KiB. */
  readonly maxBodyBytes: number;
  /** Recently delivered callbacks. Default: 10,000 for an hour. */
  readonly memory?: DeliveryMemory;
}

/** A refusal: the HTTP status, the body's `error_code` and `error_msg`. */
function refusal(status: number, code: string, message: string) {
  return { status, body: { error_code: code, error_msg: message } } as const;
}

/** Replies of the endpoint. Only `0000` stops the gateway's retries. */
export const CallbackReply = {
  ok: { status: 200, body: { error_code: '0000' } },
  badSignature: refusal(401, 'SIGNATURE_INVALID', 'sign: signature verification failed'),
  malformed: (detail: string) => refusal(400, 'MALFORMED', detail),
  wrongPlatform: refusal(403, 'WRONG_PLATFORM', 'platform_id: not our merchant id'),
  unknownPayout: refusal(404, 'UNKNOWN_PAYOUT', 'no payout with this payout_cl_id'),
  notFound: refusal(404, 'NOT_FOUND', 'no such endpoint'),
  methodNotAllowed: refusal(405, 'METHOD_NOT_ALLOWED', 'POST only'),
  tooLarge: { ...refusal(413, 'TOO_LARGE', 'body too large'), drainRequest: true },
  notJson: refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type: JSON only'),
  unavailable: refusal(503, 'UNAVAILABLE', 'try again later'),
} as const;

/**
 * One reply. `drainRequest`: the request body was not read to its end, so the connection closes
 * after the reply, once the client has finished sending (see `endAfterDrain`).
 */
type Reply = {
  readonly status: number;
  readonly body: Readonly<Record<string, string>>;
  readonly drainRequest?: boolean;
};

function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && /^application\/json\s*(;|$)/i.test(header.trim());
}

/** The receiver's counters. */
export interface CallbackReceiverStats {
  /** Callbacks remembered: delivered, or being delivered. */
  readonly remembered: number;
  /** Repeats answered from memory, without a signal, since the start. */
  readonly repeats: number;
}

/**
 * The handler behind `notify_url`: verifies the sign, signals the payout's workflow and replies
 * `{"error_code":"0000"}`, also to a duplicate for a payout that is already final. The very same
 * callback again (by digest, within the memory's TTL) gets `0000` without a second signal and
 * is only counted. A bad sign or malformed body gets an error reply and changes nothing; it never
 * creates a workflow.
 */
export function createCallbackHandler(
  deps: CallbackReceiverDeps,
  options: CallbackReceiverOptions,
): ((req: IncomingMessage, res: ServerResponse) => void) & { stats(): CallbackReceiverStats } {
  const memory = options.memory ?? new DeliveryMemory();

  async function handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (url.pathname !== options.path) return CallbackReply.notFound;
    if (req.method !== 'POST') return CallbackReply.methodNotAllowed;
    if (!isJsonContentType(req.headers['content-type'])) return CallbackReply.notJson;

    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, options.maxBodyBytes)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return CallbackReply.tooLarge;
      return CallbackReply.malformed('body is not valid JSON');
    }
    // `verify` reads a string as the body's text: a JSON string holding JSON is not read twice.
    if (typeof body === 'string') return CallbackReply.malformed('body is not a JSON object');

    const verified = deps.verify(body);
    if (!verified.ok) {
      deps.log.warn('callback refused', {
        reason: verified.error.code,
        detail: verified.error.detail,
      });
      if (verified.error.code === 'bad-signature') return CallbackReply.badSignature;
      if (verified.error.code === 'wrong-platform') return CallbackReply.wrongPlatform;
      return CallbackReply.malformed(verified.error.detail);
    }

    const { notification } = verified;
    const context = {
      merchantOrderId: notification.payoutClId,
      payoutId: notification.payoutId,
      state: notification.state,
    };
    const digest = callbackDigest(notification.fields);
    if (await answeredBefore(digest)) {
      // One line per callback for all its repeats: a replay flood must not flood the log too.
      if (memory.countRepeat(digest) === 1) {
        deps.log.info(
          'callback repeated: answered 0000 without a new signal; repeats counted',
          context,
        );
      }
      return CallbackReply.ok;
    }
    const delivery = deps.deliver(notification);
    memory.remember(digest, delivery);
    try {
      const result = await delivery;
      if (result === 'unknown-payout') {
        deps.log.warn('callback for a payout we do not know', context);
        return CallbackReply.unknownPayout;
      }
      if (result === 'disputed') {
        // Money may have moved otherwise than the payout says: a person must look now.
        deps.log.error('callback contradicts the final payout: dispute opened', context);
        return CallbackReply.ok;
      }
      deps.log.info(
        result === 'delivered' ? 'callback delivered' : 'callback for a final payout acknowledged',
        context,
      );
      return CallbackReply.ok;
    } catch (error) {
      // Temporal unreachable: a non-0000 reply makes the gateway retry later.
      deps.log.error('callback not delivered', {
        ...context,
        error: error instanceof Error ? error.message : String(error),
      });
      return CallbackReply.unavailable;
    }
  }

  /** Whether the same callback was already handed over (waiting for one still in flight). */
  async function answeredBefore(digest: string): Promise<boolean> {
    const earlier = memory.recall(digest);
    if (earlier === undefined) return false;
    // A failed earlier delivery is forgotten; this one then goes on to deliver itself.
    const result = await earlier.catch(() => undefined);
    return result === 'delivered' || result === 'already-final' || result === 'disputed';
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    handle(req)
      .catch((error: unknown) => {
        deps.log.error('callback handler failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        return CallbackReply.unavailable;
      })
      .then((reply: Reply) => {
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...(reply.drainRequest === true ? { connection: 'close' } : {}),
        });
        if (reply.drainRequest !== true) {
          res.end(text);
          return;
        }
        res.write(text);
        endAfterDrain(req, res);
      })
      .catch(() => res.destroy());
  }

  return Object.assign(handler, { stats: () => memory.stats() });
}

/** A running receiver. */
export interface CallbackReceiver {
  /** Base URL, e.g. `http://127.0.0.1:8788`; the endpoint is at `url + path`. */
  readonly url: string;
  /** Repeats answered from memory, and how many callbacks are remembered. */
  stats(): CallbackReceiverStats;
  close(): Promise<void>;
}

/** Starts the receiver on `host:port` (port 0: a free one). */
export async function startCallbackReceiver(
  deps: CallbackReceiverDeps,
  options: CallbackReceiverOptions & { readonly host: string; readonly port: number },
): Promise<CallbackReceiver> {
  const handler = createCallbackHandler(deps, options);
  const server: Server = createServer(handler);
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    stats: () => handler.stats(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

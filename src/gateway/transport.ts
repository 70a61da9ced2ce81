import { type Dispatcher, request } from 'undici';
import { type GatewayConfig, gatewayCallDeadlineMs } from './config.js';

/** Largest response body read; the gateway's answers are a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** One HTTP exchange's result: a complete response, or why there is none. */
export type Exchange =
  | { readonly kind: 'response'; readonly status: number; readonly text: string }
  | {
      readonly kind: 'failure';
      readonly reason: 'timeout' | 'connection' | 'invalid-response';
      readonly detail: string;
    };

/** What one call sends. */
export interface ExchangeRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Sends one request and reads the whole body. Never retries, never throws for transport
 * problems. Headers and body timeouts come from the config (also when a dispatcher is
 * injected); an overall deadline of connect + headers + body bounds a server that trickles
 * bytes slower than the body timeout could notice.
 */
export async function exchange(
  dispatcher: Dispatcher,
  config: GatewayConfig,
  call: ExchangeRequest,
): Promise<Exchange> {
  const deadline = new AbortController();
  const deadlineMs = gatewayCallDeadlineMs(config);
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  try {
    const response = await request(call.url, {
      dispatcher,
      method: call.method,
      headers: call.headers,
      body: call.body,
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
      signal: deadline.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        response.body.destroy();
        return failure('invalid-response', `response body over ${MAX_RESPONSE_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      return failure('invalid-response', 'response body is not UTF-8');
    }
    return { kind: 'response', status: response.statusCode, text };
  } catch (error) {
    if (deadline.signal.aborted) {
      return failure('timeout', `no complete response within the ${deadlineMs} ms deadline`);
    }
    return classifyTransportError(error, config);
  } finally {
    clearTimeout(timer);
  }
}

function failure(reason: 'timeout' | 'connection' | 'invalid-response', detail: string): Exchange {
  return { kind: 'failure', reason, detail };
}

/**
 * Maps an undici or socket error to a reason, by its `code`. The detail is built from the code
 * and our own words only: error messages are not copied, so nothing received or configured
 * (a URL, a header) can leak through them.
 */
export function classifyTransportError(error: unknown, config: GatewayConfig): Exchange {
  const code = errorCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return failure(
        'timeout',
        `connect timed out after ${config.connectTimeoutMs} ms, request not sent (${code})`,
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
      return failure(
        'timeout',
        `no response headers within ${config.headersTimeoutMs} ms (${code})`,
      );
    case 'UND_ERR_BODY_TIMEOUT':
      return failure('timeout', `response body stalled for ${config.bodyTimeoutMs} ms (${code})`);
    case 'ETIMEDOUT':
      return failure('timeout', `the connection timed out (${code})`);
    case 'ECONNREFUSED':
      return failure('connection', `connection refused, request not sent (${code})`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return failure('connection', `connection reset (${code})`);
    case 'UND_ERR_SOCKET':
      return failure('connection', `connection closed by the other side (${code})`);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return failure('connection', `response body cut short (${code})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return failure('connection', `gateway host name not resolved, request not sent (${code})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return failure('connection', `gateway host unreachable (${code})`);
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return failure('connection', `the client was closed (${code})`);
    default:
      if (
        code?.startsWith('HPE_') ||
        (error instanceof Error && error.name === 'HTTPParserError')
      ) {
        return failure(
          'invalid-response',
          `the reply is not valid HTTP (${code ?? 'HTTPParserError'})`,
        );
      }
      if (code?.startsWith('ERR_TLS_') || code?.startsWith('ERR_SSL_') || code?.includes('CERT')) {
        return failure('connection', `TLS failure (${code})`);
      }
      return failure(
        'connection',
        `unexpected transport error (${code ?? (error instanceof Error ? error.name : 'unknown')})`,
      );
  }
}

/** The first `code` found on the error, its cause, or (happy eyeballs) its aggregated errors. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = errorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayoutOrchestratorError } from '../errors.js';

/** A body over the receiver's limit: nothing more of it is collected. */
export class BodyTooLargeError extends PayoutOrchestratorError {
  constructor() {
    super('body too large', { name: 'BodyTooLargeError', code: 'ERR_BODY_TOO_LARGE' });
  }
}

/**
 * Reads a request body of at most `maxBytes`, declared (content-length) or not (chunked). Past the
 * limit it stops collecting and pauses the request, so {@link endAfterDrain} can throw the rest
 * away after the reply.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBytes) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.off('data', onData);
      req.pause();
      reject(new BodyTooLargeError());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** How much of a refused body is read and dropped after the reply, and for how long at most. */
export const DRAIN_LIMITS = { maxBytes: 1024 * 1024, maxMs: 5_000 } as const;

/**
 * Ends a reply already written in full (headers, body, `Connection: close`) once the client has
 * finished sending: closing while it still sends would reset the connection, and a reset can
 * destroy our reply before the client reads it. A client that sends more than
 * {@link DRAIN_LIMITS} allow is cut off.
 */
export function endAfterDrain(
  req: IncomingMessage,
  res: ServerResponse,
  limits: { readonly maxBytes: number; readonly maxMs: number } = DRAIN_LIMITS,
): void {
  if (req.complete) {
    res.end();
    return;
  }
  let drained = 0;
  let finished = false;
  const done = (cut: boolean): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.off('data', onData);
    if (cut) res.destroy();
    else res.end();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > limits.maxBytes) done(true);
  };
  const timer = setTimeout(() => done(true), limits.maxMs);
  req.on('data', onData);
  req.once('end', () => done(false));
  req.once('error', () => done(true));
  req.resume();
}

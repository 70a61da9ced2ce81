import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './state.js';
import type { Fault } from './scenario.js';

/** Bodies above this are refused (413): the gateway's create body is well under 2 KiB. */
const MAX_BODY_BYTES = 64 * 1024;

/** The whole request body as UTF-8 text; undefined when it is larger than the sandbox reads. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if ((size += chunk.length) > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with a JSON body; returns what was answered, for the record. */
export function sendJson(res: ServerResponse, httpStatus: number, body: unknown): Answer {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return { kind: 'response', httpStatus, body: text };
}

/** A gateway error answer: HTTP 200 with `error_code` and `error_msg`, as the gateway does. */
export function sendGatewayError(res: ServerResponse, code: string, message: string): Answer {
  return sendJson(res, 200, { error_code: code, error_msg: message });
}

const GARBAGE = '{"error_code":"0000","data":{"payout_id":';

/**
 * Misbehaves as `fault` says. `hang` leaves the response open: the client gives up on its own, or
 * the sandbox's close() destroys the socket.
 */
export function applyFault(req: IncomingMessage, res: ServerResponse, fault: Fault): Answer {
  switch (fault) {
    case 'http-500':
    case 'http-502':
    case 'http-503': {
      const status = Number(fault.slice(5));
      const text = `<html><body><h1>${status} Server Error</h1></body></html>`;
      res.writeHead(status, { 'content-type': 'text/html', 'content-length': text.length });
      res.end(text);
      break;
    }
    case 'empty-body':
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': 0 });
      res.end();
      break;
    case 'garbage-body':
      // Cut-off JSON that even holds "0000": a client must not read acceptance into it.
      res.writeHead(200, {
        'content-type': 'application/json;charset=utf-8',
        'content-length': GARBAGE.length,
      });
      res.end(GARBAGE);
      break;
    case 'reset':
      req.socket.resetAndDestroy();
      break;
    case 'hang':
      break;
  }
  return { kind: 'fault', fault };
}

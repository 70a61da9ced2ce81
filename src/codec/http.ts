/**
 * Temporal's remote codec protocol over HTTP, for the Web UI and the `temporal` CLI
 * (`--codec-endpoint`): `POST /encode` and `POST /decode`, each taking and answering
 * `{"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}`. One key ring serves
 * every namespace: the `X-Namespace` header the UI sends is allowed, and not needed.
 *
 * It decrypts payouts for whoever can call it, so it is strict about who that is: loopback by
 * default (and then only for loopback Host names, against DNS rebinding), browsers only from the
 * configured origins, an optional bearer token, JSON only (a cross-site form cannot send it
 * without a preflight), bodies up to {@link MAX_BODY_BYTES}, and answers nobody may cache.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { BodyTooLargeError, endAfterDrain, readBody } from '../callback/body.js';
import type { Logger } from '../log.js';
import { PayloadCodecError } from './errors.js';
import type { CodecServerConfig } from './server-config.js';

/** Largest request body: a 2 MiB payload (Temporal's default limit) in base64, with room. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A running codec server. */
export interface CodecServer {
  /** `http://host:port`, the address to give the Web UI or `--codec-endpoint`. */
  readonly url: string;
  close(): Promise<void>;
}

const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64')
  .refine((s) => s.replace(/=+$/, '').length % 4 !== 1, 'base64');
const bodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof bodySchema>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** A failed request: status, stable code, and a message that holds no payload or token. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the codec server with `codec`; resolves once it listens. */
export async function startCodecServer(options: {
  readonly codec: PayloadCodec;
  readonly config: CodecServerConfig;
  readonly log: Logger;
}): Promise<CodecServer> {
  const { codec, config, log } = options;
  const origins = new Set(config.corsOrigins);
  const tokenDigest =
    config.authToken === undefined ? undefined : sha256(`Bearer ${config.authToken}`);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const refusal =
        error instanceof Refusal ? error : new Refusal(500, 'ERR_CODEC_SERVER', 'internal error');
      if (refusal.status === 500) log.error('codec request failed', { error: String(error) });
      else if (refusal.status === 401 || refusal.status === 403)
        log.warn('codec request refused', { code: refusal.code, from: req.socket.remoteAddress });
      send(req, res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
    });
  });
  // Loopback only: a DNS name pointed at 127.0.0.1 by a web page's attacker must not get in.
  const loopbackOnly = LOOPBACK_HOSTS.has(config.host);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    res.setHeader('Vary', 'Origin');
    if (loopbackOnly && !LOOPBACK_HOSTS.has(hostName(req.headers.host))) {
      throw new Refusal(403, 'ERR_CODEC_HOST', 'this codec server answers loopback names only');
    }
    if (origin !== undefined && !origins.has(origin)) {
      throw new Refusal(403, 'ERR_CODEC_ORIGIN', 'origin not allowed (CODEC_CORS_ORIGINS)');
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/encode' && path !== '/decode') {
      throw new Refusal(404, 'ERR_CODEC_NOT_FOUND', 'POST /encode or /decode');
    }
    if (req.method === 'OPTIONS') {
      // A preflight carries no credentials: it is answered before the token check.
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      throw new Refusal(405, 'ERR_CODEC_METHOD', 'POST /encode or /decode');
    }
    if (tokenDigest !== undefined) {
      const given = sha256(req.headers.authorization ?? '');
      if (!timingSafeEqual(given, tokenDigest)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new Refusal(401, 'ERR_CODEC_UNAUTHORIZED', 'a valid bearer token is required');
      }
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new Refusal(415, 'ERR_CODEC_CONTENT_TYPE', 'Content-Type must be application/json');
    }
    const body = parseBody(await readBody(req, MAX_BODY_BYTES).catch(tooLarge));
    const payloads = body.payloads.map(fromJson);
    let result: Payload[];
    try {
      result = path === '/encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch (error) {
      // Names the key id at most, never a key or a payload.
      if (error instanceof PayloadCodecError) throw new Refusal(422, error.code, error.message);
      throw error;
    }
    send(req, res, 200, { payloads: result.map(toJson) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The host part of a Host header (`name:port`, `[v6]:port`). */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const v6 = /^\[([^\]]+)\]/.exec(header);
  return v6 ? `[${v6[1]}]` : (header.split(':')[0] ?? '');
}

function tooLarge(error: unknown): never {
  if (error instanceof BodyTooLargeError) {
    throw new Refusal(413, 'ERR_CODEC_TOO_LARGE', `at most ${MAX_BODY_BYTES} bytes`);
  }
  throw error;
}

function parseBody(bytes: Buffer): z.infer<typeof bodySchema> {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Refusal(400, 'ERR_CODEC_BAD_BODY', 'the body is not JSON');
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    throw new Refusal(
      400,
      'ERR_CODEC_BAD_BODY',
      'expected {"payloads":[{"metadata":{...base64},"data":"base64"}]}',
    );
  }
  return parsed.data;
}

/** Writes the reply; a request still sending (refused early) is drained, then closed. */
function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    // Decrypted payouts must not stay in a browser or proxy cache.
    'Cache-Control': 'no-store',
    ...(req.complete ? {} : { Connection: 'close' }),
  });
  if (req.complete) {
    res.end(text);
    return;
  }
  res.write(text);
  endAfterDrain(req, res);
}

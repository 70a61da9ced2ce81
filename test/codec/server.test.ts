/**
 * The codec server over real HTTP, as the Web UI (a browser, with CORS) and the `temporal` CLI
 * call it: the round trip, who may call it, and what it refuses.
 */
import { request as httpRequest } from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../src/codec/index.js';
import { MAX_BODY_BYTES, startCodecServer, type CodecServer } from '../../src/codec/http.js';
import { parseCodecServerConfig } from '../../src/codec/server-config.js';
import { createMemoryLogger } from '../support/logger.js';
import { newKey, ring } from './support.js';

const UI = 'http://localhost:8233';
const TOKEN = 'codec-token-Zq8Lr3Vw0Np6';
const k1 = newKey();
const other = newKey();
const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
const request = { accountNumber: '6228480402564890018', recipientName: '张三' };

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request with exactly these headers (a browser's Origin and Host included). */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'POST', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'Content-Type': 'application/json', 'X-Namespace': 'default' };
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data, 'base64'),
});
const payloadsOf = (reply: Reply) =>
  (JSON.parse(reply.body) as { payloads: { metadata: Record<string, string>; data: string }[] })
    .payloads;
const errorOf = (reply: Reply) =>
  (JSON.parse(reply.body) as { error: { code: string; message: string } }).error;

describe('codec server', () => {
  let open: CodecServer;
  let guarded: CodecServer;
  const log = createMemoryLogger();
  beforeAll(async () => {
    const config = parseCodecServerConfig({ CODEC_PORT: '0', CODEC_CORS_ORIGINS: UI });
    open = await startCodecServer({ codec, config, log });
    guarded = await startCodecServer({
      codec,
      config: { ...config, authToken: TOKEN },
      log,
    });
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });

  it('encode then decode over HTTP gives back the payload; the worker reads what it encrypted', async () => {
    const plain = defaultPayloadConverter.toPayload(request);
    const encoded = await call(`${open.url}/encode`, {
      headers: json,
      body: JSON.stringify({ payloads: [toJson(plain)] }),
    });
    expect(encoded.status).toBe(200);
    const [stored] = payloadsOf(encoded);
    expect(Buffer.from(stored?.metadata['encoding'] ?? '', 'base64').toString()).toBe(
      'binary/encrypted',
    );
    expect(encoded.body).not.toContain(Buffer.from(request.accountNumber).toString('base64'));
    // A worker with the same key reads it ...
    const [inWorker] = await codec.decode([fromJson(stored ?? { metadata: {}, data: '' })]);
    expect(defaultPayloadConverter.fromPayload(inWorker ?? {})).toEqual(request);

    // ... and the UI reads back what a worker wrote.
    const [written] = await codec.encode([plain]);
    const decoded = await call(`${open.url}/decode`, {
      headers: json,
      body: JSON.stringify({ payloads: [toJson(written ?? {}), toJson(plain)] }),
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers['cache-control']).toBe('no-store');
    const [first, second] = payloadsOf(decoded).map(fromJson);
    expect(defaultPayloadConverter.fromPayload(first ?? {})).toEqual(request);
    // Not encrypted (from before encryption): passed through as it is.
    expect(defaultPayloadConverter.fromPayload(second ?? {})).toEqual(request);
  });

  it('answers the Web UI origin: the CORS preflight, then the call', async () => {
    const preflight = await call(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'x-namespace',
    );
    const decoded = await call(`${open.url}/decode`, {
      headers: { ...json, Origin: UI },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(UI);
    expect(decoded.headers['vary']).toContain('Origin');
  });

  it('refuses any other web origin, its preflight too', async () => {
    const evil = 'http://localhost:9999';
    const preflight = await call(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: evil, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const [written] = await codec.encode([defaultPayloadConverter.toPayload(request)]);
    const decoded = await call(`${open.url}/decode`, {
      headers: { ...json, Origin: evil },
      body: JSON.stringify({ payloads: [toJson(written ?? {})] }),
    });
    expect(decoded.status).toBe(403);
    expect(decoded.body).not.toContain(Buffer.from(request.accountNumber).toString('base64'));
  });

  it('refuses a Host that is not a loopback name (DNS rebinding)', async () => {
    const port = new URL(open.url).port;
    const reply = await call(`${open.url}/decode`, {
      headers: { ...json, Host: `attacker.example:${port}` },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(reply.status).toBe(403);
    expect(errorOf(reply).code).toBe('ERR_CODEC_HOST');
    const ok = await call(`${open.url}/decode`, {
      headers: { ...json, Host: `localhost:${port}` },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(ok.status).toBe(200);
  });

  it('with a token: 401 without one or with a wrong one, 200 with it; preflights need none', async () => {
    const body = JSON.stringify({ payloads: [] });
    const none = await call(`${guarded.url}/decode`, { headers: json, body });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, 'Bearer ']) {
      const reply = await call(`${guarded.url}/decode`, {
        headers: { ...json, Authorization: wrong },
        body,
      });
      expect(reply.status, wrong).toBe(401);
      expect(reply.body).not.toContain(TOKEN);
    }
    const right = await call(`${guarded.url}/decode`, {
      headers: { ...json, Authorization: `Bearer ${TOKEN}` },
      body,
    });
    expect(right.status).toBe(200);
    const preflight = await call(`${guarded.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(log.entries.map((e) => JSON.stringify(e)).join('\n')).not.toContain(TOKEN);
  });

  it('400 for a body that is not the protocol, 415 for one that is not JSON', async () => {
    for (const body of [
      '{"payloads": [',
      '{}',
      '{"payloads": {"data": "AA=="}}',
      '{"payloads": [{"data": "not base64!"}]}',
      '{"payloads": [{"metadata": {"encoding": 7}}]}',
    ]) {
      const reply = await call(`${open.url}/decode`, { headers: json, body });
      expect(reply.status, body).toBe(400);
      expect(errorOf(reply).code).toBe('ERR_CODEC_BAD_BODY');
    }
    const form = await call(`${open.url}/decode`, {
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(form.status).toBe(415);
  });

  it('413 past the size limit; 404 and 405 elsewhere', async () => {
    const big = await call(`${open.url}/decode`, {
      headers: json,
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(big.status).toBe(413);
    expect((await call(`${open.url}/other`, { headers: json, body: '{}' })).status).toBe(404);
    expect((await call(`${open.url}/decode`, { method: 'GET' })).status).toBe(405);
  });

  it('422 for a payload of an unknown key: names the key id, no key', async () => {
    const [foreign] = await new AesGcmPayloadCodec(ring(['old-key', other])).encode([
      defaultPayloadConverter.toPayload(request),
    ]);
    const reply = await call(`${open.url}/decode`, {
      headers: json,
      body: JSON.stringify({ payloads: [toJson(foreign ?? {})] }),
    });
    expect(reply.status).toBe(422);
    expect(errorOf(reply)).toMatchObject({ code: 'ERR_PAYLOAD_CODEC_UNKNOWN_KEY' });
    expect(errorOf(reply).message).toContain('old-key');
    for (const key of [k1, other]) expect(reply.body).not.toContain(key);
  });
});

describe('codec server config', () => {
  it('defaults to loopback, port 8789, no origin, no token', () => {
    expect(parseCodecServerConfig({})).toEqual({ host: '127.0.0.1', port: 8789, corsOrigins: [] });
  });

  it('names each bad key, never its value', () => {
    const env = {
      CODEC_PORT: 'eighty',
      CODEC_CORS_ORIGINS: `${UI},*,http://ui.example/path`,
      CODEC_AUTH_TOKEN: 'short-secret',
    };
    let message = '';
    try {
      parseCodecServerConfig(env);
    } catch (error) {
      message = (error as Error).message;
      expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    }
    expect(message).toContain('CODEC_PORT');
    expect(message).toContain('CODEC_CORS_ORIGINS (entry 2');
    expect(message).toContain('CODEC_CORS_ORIGINS (entry 3');
    expect(message).toContain('CODEC_AUTH_TOKEN (at least 16');
    for (const value of ['eighty', 'short-secret', 'ui.example']) {
      expect(message).not.toContain(value);
    }
  });

  it('reads the token from a file', () => {
    const config = parseCodecServerConfig(
      { CODEC_AUTH_TOKEN_FILE: '/run/secrets/codec' },
      { readFile: () => `${TOKEN}\n` },
    );
    expect(config.authToken).toBe(TOKEN);
  });
});

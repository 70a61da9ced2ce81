import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import { afterEach } from 'vitest';
import { createGatewayDispatcher } from '../../../src/gateway/client.js';
import type { GatewayConfig } from '../../../src/gateway/config.js';
import { testConfig } from './config.js';

/** One request as the test server saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The client's port: equal for two requests that shared a keep-alive connection. */
  readonly remotePort: number | undefined;
}

/** A raw `node:http` server on 127.0.0.1 and an ephemeral port, recording every request. */
export interface TestServer {
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Handles a request once its whole body arrived; may also never answer (a hanging gateway). */
export type TestHandler = (
  request: ReceivedRequest,
  res: ServerResponse,
  req: IncomingMessage,
) => void;

export async function startServer(handler: TestHandler): Promise<TestServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort,
      };
      received.push(request);
      handler(request, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Answers a JSON value with HTTP 200 (or `status`). */
export function json(res: ServerResponse, value: unknown, status = 200): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One test gateway at a time and the client's dispatcher for it: `serve()` closes the one before
 * and starts another; whatever is open is closed after each test.
 */
export function testGatewayFixture() {
  let current: { server: TestServer; dispatcher: Agent } | undefined;
  const close = async (): Promise<void> => {
    const open = current;
    current = undefined;
    await open?.dispatcher.destroy();
    await open?.server.close();
  };
  afterEach(close);
  return {
    /** What the current gateway received. */
    get received(): ReceivedRequest[] {
      return current?.server.received ?? [];
    },
    close,
    async serve(
      handler: TestHandler,
      env: Record<string, string> = {},
    ): Promise<{ config: GatewayConfig; dispatcher: Agent }> {
      await close();
      const server = await startServer(handler);
      const config = testConfig(server.baseUrl, env);
      const dispatcher = createGatewayDispatcher(config);
      current = { server, dispatcher };
      return { config, dispatcher };
    },
  };
}

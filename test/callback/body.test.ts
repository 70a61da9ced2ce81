import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, endAfterDrain, readBody } from '../../src/callback/body.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that refuses every body over 1 KiB with 413, draining at most `drainBytes` after. */
async function refusingServer(drainBytes: number): Promise<number> {
  server = createServer((req, res) => {
    readBody(req, 1024).then(
      () => res.end('ok'),
      (error: unknown) => {
        expect(error).toBeInstanceOf(BodyTooLargeError);
        res.writeHead(413, { 'content-length': 2, connection: 'close' });
        res.write('no');
        endAfterDrain(req, res, { maxBytes: drainBytes, maxMs: 5_000 });
      },
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends a chunked body forever (or until the server closes); resolves with what came back. */
function endlessChunkedUpload(port: number): Promise<{ reply: string; sentBytes: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let sentBytes = 0;
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const pump = (): void => {
      while (!socket.destroyed && socket.write(chunk)) sentBytes += 1024;
    };
    socket.on('connect', () => {
      socket.write('POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n');
      pump();
    });
    socket.on('drain', pump);
    socket.on('data', (data: Buffer) => (reply += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ reply, sentBytes }));
  });
}

describe('an oversized body', () => {
  it('gets its reply, and a client that never stops sending is cut off after the drain limit', async () => {
    const port = await refusingServer(64 * 1024);
    const { reply, sentBytes } = await endlessChunkedUpload(port);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toMatch(/connection: close/i);
    // Cut off, not read forever: a little over the 64 KiB drained (plus what was in flight).
    expect(sentBytes).toBeLessThan(16 * 1024 * 1024);
  });
});

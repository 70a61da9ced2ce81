import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';

/** Resolves once something accepts TCP connections on host:port; rejects after `timeoutMs`. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(host, port)) return;
    if (!isAlive()) throw new Error(`the process meant to listen on ${host}:${port} has exited`);
    if (Date.now() > deadline)
      throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Whether host:port accepts a TCP connection now. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where the kernel picks ports for outgoing connections and `listen(0)`, from /proc when it can. */
export function ephemeralPortRange(
  read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): { low: number; high: number } {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return { low, high };
  } catch {
    // Not Linux, or /proc hidden: the range Linux uses by default.
  }
  return { low: 32768, high: 60999 };
}

/** The lowest port {@link freePorts} picks from: clear of the well-known and common service ports. */
const LOWEST_PICKED_PORT = 20_000;

/**
 * `count` distinct ports nothing listens on right now, for processes the caller starts next.
 *
 * They come from below the kernel's ephemeral range when there is room there: a port the kernel
 * handed out once (`listen(0)`) is exactly the kind it hands out next, to an outgoing connection
 * or to a child that asks for any free port (the Temporal dev server does, for its internal
 * services), so a port picked that way can be taken between the check and the bind.
 */
export async function freePorts(
  count: number,
  options: { random?: () => number; range?: { low: number; high: number } } = {},
): Promise<number[]> {
  const random = options.random ?? Math.random;
  const { low } = options.range ?? ephemeralPortRange();
  const picked: number[] = [];
  if (low - LOWEST_PICKED_PORT < 1_000) return kernelPickedPorts(count);
  for (let attempt = 0; picked.length < count; attempt++) {
    if (attempt > 200 * count) throw new Error(`no ${count} free ports below ${low}`);
    const port = LOWEST_PICKED_PORT + Math.floor(random() * (low - LOWEST_PICKED_PORT));
    if (!picked.includes(port) && (await canListen(port))) picked.push(port);
  }
  return picked;
}

/** One port from {@link freePorts}. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port');
  return port;
}

/** Whether a listener could bind 127.0.0.1:port now (Linux refuses it if 0.0.0.0:port is held). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct ports the kernel picks, each held until all are picked. */
async function kernelPickedPorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      held.push(server);
    }
    return held.map((server) => {
      const address = server.address();
      return typeof address === 'object' && address ? address.port : 0;
    });
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePorts } from '../../src/stack/wait.js';

const held: Server[] = [];
afterEach(async () => {
  for (const server of held.splice(0))
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function hold(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  held.push(server);
}

/** A `random` that yields the given ports (in a range starting at 20,000 below `low`), then any. */
function yielding(low: number, ...ports: number[]): () => number {
  return () => {
    const port = ports.shift();
    return port === undefined ? Math.random() : (port - 20_000 + 0.5) / (low - 20_000);
  };
}

describe('freePorts', () => {
  it('picks distinct ports below the ephemeral range, where no outgoing connection or listen(0) lands', async () => {
    const { low } = ephemeralPortRange();
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(low);
    }
    // Each is really free: the caller's process can bind it.
    for (const port of ports) await hold(port);
  });

  it('passes over a port something already listens on, and a port it picked already', async () => {
    const range = { low: 32_768, high: 60_999 };
    const [taken = 0, other = 0] = await freePorts(2, { range });
    await hold(taken);
    const ports = await freePorts(2, { range, random: yielding(range.low, taken, other, other) });
    expect(ports[0]).toBe(other);
    expect(ports).not.toContain(taken);
    expect(new Set(ports).size).toBe(2);
  });

  it('asks the kernel when the ephemeral range leaves no room below it', async () => {
    const ports = await freePorts(3, { range: { low: 20_500, high: 60_999 } });
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});

describe('ephemeralPortRange', () => {
  it("reads Linux's range, and falls back to Linux's default when it cannot", () => {
    expect(ephemeralPortRange(() => '40000\t50000\n')).toEqual({ low: 40_000, high: 50_000 });
    expect(ephemeralPortRange(() => 'nonsense')).toEqual({ low: 32_768, high: 60_999 });
    expect(
      ephemeralPortRange(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual({ low: 32_768, high: 60_999 });
  });
});

/**
 * Runs one child of the local stack and ends it when the stack ends, however the stack ends:
 * `node --import tsx src/stack/watchdog.ts <grace-ms> <command> [args...]`, started by the stack
 * with a pipe on fd 3 whose other end only the stack holds. The pipe reaches EOF the moment the
 * stack dies, even by SIGKILL, when the stack can run no code of its own; the Temporal CLI is a
 * Go binary that cannot watch for that itself.
 *
 * - SIGTERM, SIGINT, SIGHUP: passed on to the command; SIGKILL after `grace-ms`.
 * - EOF on fd 3, or the stack's pid gone (we were re-parented): SIGTERM, SIGKILL after `grace-ms`.
 * - The command ended: whatever it left in its process group is killed, and the watchdog ends the
 *   same way (exit code or signal), so the stack sees the command's own outcome.
 */
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { constants } from 'node:os';

const [graceArg, command, ...args] = process.argv.slice(2);
const graceMs = Number(graceArg);
if (command === undefined || !Number.isInteger(graceMs) || graceMs < 0) {
  process.stderr.write('usage: watchdog.ts <grace-ms> <command> [args...]\n');
  process.exit(2);
}

// Output goes to the stack. Once the stack is gone, a failed write must not end the watchdog
// before it has ended its command.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

const stackPid = process.ppid;
/** The command's process group, once it runs. */
const group: { id?: number } = {};
let killTimer: NodeJS.Timeout | undefined;

const signalGroup = (signal: NodeJS.Signals) => {
  if (group.id === undefined) return;
  try {
    process.kill(-group.id, signal);
  } catch {
    // ESRCH: nothing of the group is left.
  }
};

/** Asks the command (its whole group) to stop; forces it after the grace period. */
const stop = (signal: NodeJS.Signals) => {
  signalGroup(signal);
  killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs);
};

// Installed before the command starts, so no signal can end the watchdog and orphan it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => stop(signal));
}
const lifeline = new Socket({ fd: 3, readable: true, writable: false });
lifeline.on('error', () => stop('SIGTERM'));
lifeline.on('close', () => stop('SIGTERM'));
lifeline.resume();
lifeline.unref();
// Belt and braces for the pipe: a dead parent means we have been handed to another one.
setInterval(() => {
  if (process.ppid !== stackPid) stop('SIGTERM');
}, 1_000).unref();

// Its own process group, so one signal also reaches anything the command starts.
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
group.id = child.pid;

child.once('error', (error) => {
  process.stderr.write(`failed to start ${command}: ${error.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  signalGroup('SIGKILL');
  if (signal !== null) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
  process.exit(code ?? 1);
});

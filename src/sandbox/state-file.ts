/**
 * Reading and atomically replacing the state file. A reader (or a crash) never sees half a file:
 * the new content goes to a temp file in the same directory, is flushed to disk, then renamed
 * over the old one.
 */
import { issueLines } from '../../vocabulary/issues.js';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SandboxStateError } from './errors.js';
import type { SandboxLogger } from './logger.js';
import { sandboxStateSchema, type SandboxState } from './state.js';

/** Temp files of `file` are `.<name>.<pid>.<hex>.tmp` next to it. */
function tempPattern(file: string): RegExp {
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${name}\\.\\d+\\.[0-9a-f]+\\.tmp$`);
}

/**
 * The state in `file`; undefined when there is no such file (a first start). Throws
 * {@link SandboxStateError} naming the file when it cannot be read or is not a valid state.
 * Leftover temp files of an interrupted write are removed (the state file itself is intact).
 */
export async function readStateFile(file: string): Promise<SandboxState | undefined> {
  await removeLeftovers(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return undefined;
    throw new SandboxStateError(
      file,
      `cannot be read (${typeof code === 'string' ? code : 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Not V8's message: it quotes the text around the error, and the file holds recipients.
    const at = error instanceof Error ? /at position \d+/.exec(error.message)?.[0] : undefined;
    throw new SandboxStateError(file, `is not valid JSON${at === undefined ? '' : ` (${at})`}`);
  }
  const parsed = sandboxStateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = issueLines(parsed.error).slice(0, 5).join('; ');
    const more =
      parsed.error.issues.length > 5 ? ` and ${parsed.error.issues.length - 5} more` : '';
    throw new SandboxStateError(file, `is not a sandbox state (${issues}${more})`);
  }
  return parsed.data;
}

/**
 * Replaces `file` with `text` atomically (temp file in the same directory, fsync, rename). The
 * directory is created when missing. The file holds recipient details: readable by the owner only.
 */
export async function writeStateFile(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function removeLeftovers(file: string): Promise<void> {
  const pattern = tempPattern(file);
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return; // No directory yet: nothing left over, and the first write creates it.
  }
  await Promise.all(
    names.filter((n) => pattern.test(n)).map((n) => rm(join(dirname(file), n), { force: true })),
  );
}

/**
 * Writes the sandbox's state to its file after changes, at most every `intervalMs` (200), one
 * write at a time, and once more on close(). The snapshot is taken when the write starts. Uses
 * real timers, not the sandbox's clock: saving is I/O, not part of the simulated gateway's time.
 */
export class StateSaver {
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly file: string,
    private readonly snapshot: () => SandboxState,
    private readonly logger: SandboxLogger,
    private readonly intervalMs = 200,
  ) {}

  /** Something changed: a write follows within the interval. */
  changed(): void {
    this.#dirty = true;
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, this.intervalMs);
    this.#timer.unref(); // close() writes the last changes
  }

  /** Writes now if anything changed since the last write; rejects when that write fails. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#write(true);
  }

  /** The last write; later changes are not saved. Rejects when that write fails. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Queues a write behind the one in progress, so writes never overlap or reorder. */
  #write(rethrow = false): Promise<void> {
    const run = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await writeStateFile(this.file, JSON.stringify(this.snapshot()));
      } catch (error) {
        this.#dirty = true; // Try again with the next change, or on close().
        this.logger.warn('sandbox state not saved', {
          file: this.file,
          error: error instanceof Error ? error.message : 'unknown',
        });
        if (rethrow) throw error;
      }
    });
    this.#writing = run.catch(() => {});
    return run;
  }
}

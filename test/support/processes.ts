import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs one of the product's entry points (`src/worker.ts`, …) under tsx in a bare environment
 * (PATH and HOME, then `env`) to its exit, killed after `timeoutMs`; returns its exit code and
 * what it wrote on stderr, and on stdout too with `stdout: true`.
 */
export function runEntry(
  entry: string,
  env: Readonly<Record<string, string>>,
  { timeoutMs = 30_000, stdout = false }: { timeoutMs?: number; stdout?: boolean } = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: projectRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    const collect = (chunk: Buffer) => (stderr += chunk.toString('utf8'));
    child.stderr?.on('data', collect);
    child.stdout?.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

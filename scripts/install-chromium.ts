/**
 * Finds a Chromium for the Web UI browser test, or installs Debian's `chromium` package.
 *
 *   npx tsx scripts/install-chromium.ts     prints the browser's path, installing it if missing
 *
 * Order: `CHROMIUM_PATH` (must be an executable file: it is never second-guessed), then
 * `chromium` / `chromium-browser` / `google-chrome` on PATH, then `apt-get install -y chromium`
 * with a CJK font (as root, or through passwordless sudo). Anything else fails with what to do.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Browser executables a Debian, Ubuntu or Chrome install puts on PATH. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** No usable browser, and none could be installed: the message says what to do. */
export class ChromiumNotFoundError extends Error {
  constructor(reasons: readonly string[]) {
    super(
      [
        'no Chromium for the Web UI browser test:',
        ...reasons.map((r) => `  - ${r}`),
        'Install it (`apt-get install -y chromium` on Debian) or set CHROMIUM_PATH to a Chromium or Chrome executable.',
      ].join('\n'),
    );
    this.name = 'ChromiumNotFoundError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first of {@link CANDIDATES} on `PATH`, if any. */
export function chromiumOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of CANDIDATES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  return undefined;
}

/** Runs `command`, its output going to `log` line by line; true when it exited 0. */
function run(command: string, args: readonly string[], log: (line: string) => void): boolean {
  log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // apt on a slow mirror: minutes, not forever.
    timeout: 15 * 60_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const lines = output.split('\n');
  // The tail says what went wrong; the whole apt log helps nobody.
  for (const line of lines.slice(-15)) if (line !== '') log(`  ${line}`);
  if (result.error) log(`  ${result.error.message}`);
  return result.status === 0;
}

/**
 * The path of a Chromium to drive, installing Debian's package when none is there. Throws
 * {@link ChromiumNotFoundError} when `CHROMIUM_PATH` is wrong or nothing could be installed.
 */
export function ensureChromium(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): string {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const override = (env['CHROMIUM_PATH'] ?? '').trim();
  if (override !== '') {
    if (isExecutable(override)) return override;
    throw new ChromiumNotFoundError([`CHROMIUM_PATH=${override} is not an executable file`]);
  }
  const found = chromiumOnPath(env);
  if (found) return found;

  const reasons = [`none of ${CANDIDATES.join(', ')} is on PATH`];
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!root && !sudo) {
    reasons.push('not root and no passwordless sudo: cannot run apt-get');
    throw new ChromiumNotFoundError(reasons);
  }
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    reasons.push('apt-get is not available on this machine');
    throw new ChromiumNotFoundError(reasons);
  }
  const apt = (args: string[]) =>
    sudo ? run('sudo', ['-n', 'apt-get', ...args], log) : run('apt-get', args, log);
  log('Installing Chromium for the Web UI browser test (apt-get, once per machine)…');
  // A fresh image has no package lists yet; `update` failing is not fatal if the install works.
  apt(['update']);
  // A CJK font too: bank and recipient names are Chinese, and without one the UI (and every
  // screenshot or trace of it) shows empty boxes.
  if (!apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-wqy-zenhei'])) {
    reasons.push('`apt-get install -y chromium fonts-wqy-zenhei` failed (see the lines above)');
    throw new ChromiumNotFoundError(reasons);
  }
  const installed =
    chromiumOnPath(env) ?? (isExecutable('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  if (installed) return installed;
  reasons.push('apt-get installed chromium, yet no executable appeared on PATH');
  throw new ChromiumNotFoundError(reasons);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

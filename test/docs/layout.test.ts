import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The first-column paths of the markdown table that follows `heading` in `file`. */
function tablePaths(file: string, heading: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const from = heading === '' ? 0 : text.indexOf(heading);
  expect(from, `${file} has ${heading}`).toBeGreaterThanOrEqual(0);
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows
    .slice(2)
    .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('the READMEs list the files that exist', () => {
  it('README.md "Layout": every path exists, and every folder of src/ is listed', () => {
    const paths = tablePaths('README.md', '## Layout');
    for (const path of paths) expect(existsSync(join(ROOT, path)), path).toBe(true);
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `src/${e.name}/`);
    const unlisted = folders.filter((f) => !paths.includes(f));
    expect(unlisted).toEqual([]);
  });

  it('workflows/README.md: its file table is exactly the files of workflows/', () => {
    const listed = tablePaths('workflows/README.md', '| file').sort();
    const files = readdirSync(join(ROOT, 'workflows'))
      .filter((f) => f.endsWith('.ts'))
      .sort();
    expect(listed).toEqual(files);
  });
});

import { format, resolveConfig } from 'prettier';
import { renderConfigSections } from '../src/config-docs.js';

/** The README with fresh configuration tables, formatted as `npm run format` would. */
export async function renderReadme(markdown: string, path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(renderConfigSections(markdown), { ...options, filepath: path });
}

import type { z } from 'zod';

/** One rule that one field broke: `field` is a dotted path, `rule` says what was expected. */
export interface FieldIssue {
  readonly field: string;
  readonly rule: string;
}

/**
 * Turns zod issues into field/rule pairs, `root` naming the whole value. Messages come from our
 * schemas, which never echo input.
 */
export function fieldIssues(
  error: z.ZodError,
  options: { prefix?: string; root?: string } = {},
): FieldIssue[] {
  const { prefix = '', root = '(root)' } = options;
  return error.issues.map((issue) => ({
    field: prefix + (issue.path.length > 0 ? issue.path.map(String).join('.') : root),
    rule: issue.message,
  }));
}

/** Issues as `field: rule` lines. */
export function issueText(issues: readonly FieldIssue[]): string[] {
  return issues.map((i) => `${i.field}: ${i.rule}`);
}

/** The same zod issues as `field: rule` lines. */
export function issueLines(error: z.ZodError, options: { root?: string } = {}): string[] {
  return issueText(fieldIssues(error, options));
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, SHARED_WORKFLOW_MODULES } from '../../src/worker/workflow-sources.js';

/** Calls a shared module may make while it loads: pure builders of constant tables. */
const PURE_AT_LOAD = /^(Object\.(keys|values|entries|fromEntries|freeze)|.+\.(map|filter))$/;

/**
 * Why a module could not be shared by every workflow of a worker: a runtime import from outside
 * `shared` (the SDK's modules hold per-workflow state), or state of its own at module level that
 * one workflow could change under another.
 */
function sharingProblems(file: string, source: string, shared: readonly string[]): string[] {
  const problems: string[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const where = (node: ts.Node) =>
    `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const importedAtRuntime = (node: ts.ImportDeclaration | ts.ExportDeclaration): boolean => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause === undefined) return true;
      if (clause.isTypeOnly) return false;
      if (clause.name !== undefined) return true;
      const bindings = clause.namedBindings;
      if (bindings === undefined || ts.isNamespaceImport(bindings)) return true;
      return bindings.elements.some((element) => !element.isTypeOnly);
    }
    if (node.isTypeOnly) return false;
    const clause = node.exportClause;
    return (
      clause === undefined ||
      !ts.isNamedExports(clause) ||
      clause.elements.some((e) => !e.isTypeOnly)
    );
  };
  const checkNoState = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) problems.push(`${where(node)}: builds an object with new`);
    if (ts.isClassExpression(node))
      problems.push(`${where(node)}: a class (its statics would be shared)`);
    // At load there is no workflow yet: only pure builders, never a clock, randomness or I/O.
    if (ts.isCallExpression(node)) {
      if (!PURE_AT_LOAD.test(node.expression.getText(sf)))
        problems.push(`${where(node)}: calls ${node.expression.getText(sf)} at load`);
      // A builder's callback runs at load too.
      for (const arg of node.arguments)
        if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) checkNoState(arg.body);
    }
    if (ts.isRegularExpressionLiteral(node) && /\/[a-z]*[gy][a-z]*$/.test(node.text))
      problems.push(`${where(node)}: a global or sticky regular expression keeps lastIndex`);
    ts.forEachChild(node, (child) => {
      // A function's body runs per call, in the calling workflow: only what runs at load counts.
      if (!ts.isFunctionLike(child)) checkNoState(child);
    });
  };
  /**
   * The SDK deep-freezes what a shared module exports, not what it keeps to itself: a private
   * table must be read-only by type (`as const`, or a readonly type), so no function can write it.
   */
  const readOnlyByType = (decl: ts.VariableDeclaration): boolean => {
    let init = decl.initializer;
    while (
      init !== undefined &&
      (ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))
    )
      init = init.expression;
    if (
      init === undefined ||
      !(
        ts.isObjectLiteralExpression(init) ||
        ts.isArrayLiteralExpression(init) ||
        ts.isCallExpression(init) ||
        ts.isAsExpression(init)
      )
    )
      return true;
    if (ts.isAsExpression(init) && init.type.getText(sf) === 'const') return true;
    return /\breadonly\b|\bReadonly(Array|Set|Map)?</.test(decl.type?.getText(sf) ?? '');
  };
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier;
      if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
      if (!importedAtRuntime(statement)) continue;
      const target = specifier.text.startsWith('.')
        ? relative(ROOT, join(dirname(join(ROOT, file)), specifier.text)).replace(/\.js$/, '.ts')
        : specifier.text;
      if (!shared.includes(target))
        problems.push(`${where(statement)}: imports ${specifier.text}, which is not shared`);
    } else if (ts.isVariableStatement(statement)) {
      if (!(statement.declarationList.flags & ts.NodeFlags.Const))
        problems.push(`${where(statement)}: a module-level let or var`);
      const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      for (const decl of statement.declarationList.declarations)
        if (!exported && !readOnlyByType(decl))
          problems.push(`${where(decl)}: a private table that is not read-only by type`);
      checkNoState(statement);
    } else if (ts.isClassDeclaration(statement)) {
      problems.push(`${where(statement)}: a class (its statics would be shared)`);
    } else if (
      !ts.isFunctionDeclaration(statement) &&
      !ts.isInterfaceDeclaration(statement) &&
      !ts.isTypeAliasDeclaration(statement)
    ) {
      // Expressions, loops, blocks, `export default <value>`: code that runs, or state, at load.
      problems.push(`${where(statement)}: runs code at load`);
    }
  }
  return problems;
}

describe('the workflow modules every payout in a worker shares', () => {
  it.each(SHARED_WORKFLOW_MODULES)(
    '%s imports only shared modules at runtime and holds no state',
    (file) => {
      expect(existsSync(join(ROOT, file))).toBe(true);
      const source = readFileSync(join(ROOT, file), 'utf8');
      expect(sharingProblems(file, source, SHARED_WORKFLOW_MODULES)).toEqual([]);
    },
  );

  it('are the modules the payout workflow calls into: its rules, its state, its input', () => {
    for (const file of ['workflows/decide.ts', 'workflows/state.ts', 'workflows/input.ts'])
      expect(SHARED_WORKFLOW_MODULES).toContain(file);
  });

  it('the check refuses what would leak between workflows', () => {
    const source = [
      "import { condition } from '@temporalio/workflow';",
      "import { payoutWorkflow } from './payout.js';",
      "import type { PayoutState } from './state.js';",
      "import { type PayoutInput } from './api.js';",
      'let count = 0;',
      'const seen = new Map<string, number>();',
      'const words = /[a-z]+/g;',
      'const safe = /^[a-z]+$/i;',
      'export function per(call: string) { const local = new Set([call]); return local; }',
      'class Registry { static all: string[] = []; }',
      'seen.set("x", 1);',
      'const at = Date.now();',
      'const table = Object.fromEntries(Object.entries({ a: 1 }).map(([k, v]) => [k, v])) as const;',
      'const cache: Record<string, number> = {};',
      'const kept: Readonly<Record<string, number>> = { a: 1 };',
      'for (const k of ["a"]) kept[k];',
      'export default { n: 1 };',
      'const Made = class { static all: string[] = []; };',
      'const late = [0].map(() => Math.random());',
    ].join('\n');
    expect(sharingProblems('workflows/probe.ts', source, ['workflows/state.ts'])).toEqual([
      'workflows/probe.ts:1: imports @temporalio/workflow, which is not shared',
      'workflows/probe.ts:2: imports ./payout.js, which is not shared',
      'workflows/probe.ts:5: a module-level let or var',
      'workflows/probe.ts:6: builds an object with new',
      'workflows/probe.ts:7: a global or sticky regular expression keeps lastIndex',
      'workflows/probe.ts:10: a class (its statics would be shared)',
      'workflows/probe.ts:11: runs code at load',
      'workflows/probe.ts:12: a private table that is not read-only by type',
      'workflows/probe.ts:12: calls Date.now at load',
      'workflows/probe.ts:14: a private table that is not read-only by type',
      'workflows/probe.ts:16: runs code at load',
      'workflows/probe.ts:17: runs code at load',
      'workflows/probe.ts:18: a class (its statics would be shared)',
      'workflows/probe.ts:19: a private table that is not read-only by type',
      'workflows/probe.ts:19: calls Math.random at load',
    ]);
  });
});

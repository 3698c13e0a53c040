/**
 * The import graph, checked: no cycle in src/, the review and the emulator free of the CDK framework (they run
 * where only the synthesized JSON or an HTTP port is), no tooling that imports the tests, and no two names that
 * differ only by case.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** `import type` / `export type … from`: erased by the compiler, so they load nothing at run time. */
const TYPE_ONLY_IMPORT = /^(import|export) type [^;]*? from '[^']+';$/gm;

/**
 * The imports of a file that load something at run time (repository-relative), relative ones resolved to
 * files, packages by name. Type-only imports are left out: a preset's data file may name its props' types.
 */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8').replace(TYPE_ONLY_IMPORT, '');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return fileName;
    const target = path.join(path.dirname(file), fileName);
    const candidates = [`${target}.ts`, path.join(target, 'index.ts'), target];
    return (
      candidates.find((c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile()) ??
      target
    );
  });
}

/** Every file and package `entry` loads, directly or not. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith('.ts')) importsOf(file).forEach(visit);
  };
  visit(entry);
  return seen;
}

function firstCycle(files: string[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'visiting') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of importsOf(file).filter((f) => f.startsWith('src/') && f.endsWith('.ts'))) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the imports of src/ form no cycle', () => {
  expect(firstCycle(sourceFiles('src'))?.join(' → ')).toBeUndefined();
});

test('the review loads neither cdktf nor the framework module', () => {
  const loaded = [...closure('src/review/index.ts'), ...closure('src/review/cli.ts')];
  expect(loaded.filter((f) => /^(cdktf|cdktn|constructs)$/.test(f) || f === 'src/framework.ts')).toEqual([]);
});

test('the review loads no zod schema (src/schema/), only the plain wire facts', () => {
  const loaded = [...closure('src/review/index.ts'), ...closure('src/review/cli.ts')];
  expect(loaded.filter((f) => f === 'zod' || f.startsWith('src/schema/'))).toEqual([]);
});

test('the emulator loads neither cdktf nor the framework module', () => {
  const loaded = [...closure('emulator/index.ts'), ...closure('emulator/cli.ts')];
  expect(loaded.filter((f) => /^(cdktf|cdktn|constructs)$/.test(f) || f === 'src/framework.ts')).toEqual([]);
});

test('only src/framework.ts names the CDK framework package in src/', () => {
  const naming = sourceFiles('src').filter((f) => importsOf(f).some((i) => i === 'cdktf' || i === 'cdktn'));
  expect(naming).toEqual(['src/framework.ts']);
});

test.each(['bench', 'emulator', 'engine', 'scripts', 'src', 'examples', 'tooling'])(
  '%s/ imports nothing from test/',
  (dir) => {
    const offenders = sourceFiles(dir).filter((f) => importsOf(f).some((i) => i.startsWith('test/')));
    expect(offenders).toEqual([]);
  },
);

/** The names a file declares at module scope, exported or not: classes, interfaces, types, functions, variables. */
function moduleScopeNames(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  return source.statements.flatMap((s) => {
    if (ts.isVariableStatement(s)) {
      return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
    }
    const named =
      ts.isClassDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      ts.isFunctionDeclaration(s) ||
      ts.isEnumDeclaration(s);
    return named && s.name ? [s.name.text] : [];
  });
}

/** Spellings that differ only by case, as `a@file | b@file` groups (one spelling may recur across files). */
function caseOnlyTwins(sources: Record<string, string>): string[] {
  const byFolded = new Map<string, Map<string, string>>();
  for (const [file, text] of Object.entries(sources)) {
    for (const name of moduleScopeNames(file, text)) {
      const spellings = byFolded.get(name.toLowerCase()) ?? new Map<string, string>();
      if (!spellings.has(name)) spellings.set(name, `${name}@${file}`);
      byFolded.set(name.toLowerCase(), spellings);
    }
  }
  return [...byFolded.values()].filter((s) => s.size > 1).map((s) => [...s.values()].join(' | '));
}

test('no two module-scope names in the sources differ only by case', () => {
  const files = ['src', 'emulator', 'engine', 'tooling', 'bench', 'scripts'].flatMap(sourceFiles);
  expect(
    caseOnlyTwins(Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]))),
  ).toEqual([]);
});

test('the case check finds twins across files and within one, whatever their kind', () => {
  const twins = caseOnlyTwins({
    'a.ts': 'export class IotflowConnection {}\nconst alarm = 1;\ntype Alarm = number;',
    'b.ts': 'export class IotFlowConnection {}\nexport function retry() {}',
    'c.ts': 'function retry() {}',
  });
  expect(twins).toEqual(['IotflowConnection@a.ts | IotFlowConnection@b.ts', 'alarm@a.ts | Alarm@a.ts']);
});

describe("the README's layout", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('<!-- layout:start -->'), readme.indexOf('<!-- layout:end -->'));
  const topLevel = [...block.matchAll(/^- `([\w-]+)\/`/gm)].map((m) => m[1]);
  const named = new Set([...block.matchAll(/`([\w./-]+)`/g)].map((m) => m[1]));
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');

  test('names every top-level folder of the repository, and only those', () => {
    const folders = [...new Set(tracked.filter((f) => /^[\w-]+\//.test(f)).map((f) => f.split('/')[0]))];
    // `schema/` shares a line with `scripts/`.
    expect([...topLevel, 'schema'].sort()).toEqual(folders.sort());
  });

  test('names every file and folder of src/, and nothing src/ does not hold', () => {
    const entries = fs
      .readdirSync(path.join(root, 'src'), { withFileTypes: true })
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    expect(entries.filter((e) => !named.has(e))).toEqual([]);
    const tsNames = [...named].filter((n) => /^[\w-]+\.ts$/.test(n));
    expect(tsNames.filter((n) => !entries.includes(n))).toEqual([]);
  });
});

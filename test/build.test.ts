/**
 * `npm run build` in a checkout: it recreates lib/, and the bins must come out runnable (npm sets their run bit
 * only at install, so `npx iotflow-emulator` in a checkout ran into "Permission denied" after a rebuild). The
 * build runs in a copy of the sources, so that lib/ of the checkout, which other suites load, stays untouched.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const bins: Record<string, string> = pkg.bin;

let copy: string;

beforeAll(() => {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'build-'));
  for (const entry of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'src',
    'emulator',
    'engine',
    'provider',
  ]) {
    fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: copy, stdio: 'pipe' });
}, 240_000);

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

test.each(Object.entries(bins))(
  'after npm run build, the %s bin (%s) is executable by everyone',
  (_name, bin) => {
    const { mode } = fs.statSync(path.join(copy, bin));
    expect((mode & 0o777).toString(8)).toBe('755');
  },
);

test.each(Object.entries(bins))('the %s bin (%s) starts with a node shebang', (_name, bin) => {
  expect(fs.readFileSync(path.join(copy, bin), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test('the built emulator bin runs by its path, as npx runs it', () => {
  const out = execFileSync(path.join(copy, bins['iotflow-emulator']), ['--help'], { encoding: 'utf8' });
  expect(out).toContain('Usage: iotflow-emulator');
});

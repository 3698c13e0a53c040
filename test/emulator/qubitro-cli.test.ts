/** `qubitro-emulator` as a user starts it: seeded from a file, on loopback, stopped by a signal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.join(__dirname, '..', '..');
const PROJECT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const KEY = 'cli-seeded-signing-key';

function start(args: string[]): ChildProcess {
  return spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['emulator/qubitro/cli.ts', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

test('serves the seeded project on loopback and exits 0 on SIGTERM', async () => {
  const seed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-seed-')), 'seed.json');
  fs.writeFileSync(seed, JSON.stringify({ projects: [{ id: PROJECT, signingKey: KEY }] }));
  child = start(['--port', '0', '--seed', seed]);

  const line = await firstLine(child);
  const [, origin] =
    /^listening on (http:\/\/127\.0\.0\.1:\d+) \(webhook (\S+), API (\S+)\)$/.exec(line) ?? [];
  const res = await fetch(`${origin}/integrations/actility`, {
    method: 'POST',
    headers: { projectId: PROJECT, webhookSigningKey: KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ DevEUI_uplink: { DevEUI: '70B3D57ED0001234' } }),
  });
  const exited = once(child, 'exit');
  child.kill('SIGTERM');

  expect(res.status).toBe(200);
  expect((await exited)[0]).toBe(0);
});

test('exits 1 naming a seed file that is not JSON, without quoting it', async () => {
  const seed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-seed-')), 'seed.json');
  fs.writeFileSync(seed, `{"projects": [{"signingKey": "${KEY}"`);
  child = start(['--seed', seed, '--port', '0']);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));

  const [code] = await once(child, 'exit');

  expect(code).toBe(1);
  expect(stderr).toContain(`${seed} is not valid JSON`);
  expect(stderr).not.toContain(KEY);
});

test('exits 2 on a bad port', async () => {
  child = start(['--port', 'abc']);

  expect((await once(child, 'exit'))[0]).toBe(2);
});

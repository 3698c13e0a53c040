import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../../package.json';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

function spawnIn(command: string, args: string[]): ChildProcess {
  // Own process group, so a wrapper (npx) and the emulator it starts can be stopped together.
  return spawn(command, args, { cwd: ROOT, detached: true, stdio: 'pipe' });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const [line] = await firstLines(child, 1);
  return line;
}

async function firstLines(child: ChildProcess, n: number): Promise<string[]> {
  const lines = createInterface({ input: child.stdout! });
  const read: string[] = [];
  for await (const line of lines) if (read.push(line) === n) break;
  lines.close();
  return read;
}

/** `listening on ORIGIN (API base URL ORIGIN/iot-flow/v1)`, then `token URL ORIGIN/users-auth/…/token`. */
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+) \(API base URL (\S+)\)$/;

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

describe('emulator CLI', () => {
  const children: ChildProcess[] = [];
  const start = (command: string, args: string[]): ChildProcess => {
    const child = spawnIn(command, args);
    children.push(child);
    return child;
  };

  afterEach(async () => {
    await Promise.all(children.splice(0).map(stopGroup));
  });

  it('prints where it listens, the API base URL with /iot-flow/v1 and the token URL, and serves at each', async () => {
    const child = start('npx', ['tsx', 'emulator/cli.ts', '--port', '0']);

    const [listening, token] = await firstLines(child, 2);

    const [, origin, baseUrl] = listening.match(LISTENING) ?? [];
    expect([baseUrl, token]).toEqual([
      `${origin}/iot-flow/v1`,
      `token URL ${origin}/users-auth/protocol/openid-connect/token`,
    ]);
    const granted = await fetch(token.slice('token URL '.length), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'emulator-client',
        client_secret: 'emulator-secret',
      }),
    });
    const { access_token } = (await granted.json()) as { access_token: string };
    const listed = await fetch(`${baseUrl}/connections`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect([granted.status, listed.status]).toEqual([200, 200]);
    expect((await fetch(`${origin}/__emulator/requests`)).status).toBe(200);
  });

  it('names the API base URL, the token URL and the control plane in --help', async () => {
    const child = start('npx', ['tsx', 'emulator/cli.ts', '--help']);
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));

    expect(await once(child, 'exit')).toEqual([0, null]);
    expect(out).toContain('the API (base URL)    http://127.0.0.1:8787/iot-flow/v1\n');
    expect(out).toContain(
      'OAuth2 tokens         http://127.0.0.1:8787/users-auth/protocol/openid-connect/token\n',
    );
    expect(out).toContain('its control plane     http://127.0.0.1:8787/__emulator/\n');
  });

  it('starts the same way from the bin that package.json publishes (built by `npm run build`)', async () => {
    const bin = packageJson.bin['iotflow-emulator'];
    // npm makes the bin executable when it installs the package; here node runs it the same way.
    expect(readFileSync(`${ROOT}/${bin}`, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const child = start(process.execPath, [`${ROOT}/${bin}`, '--port', '0']);

    expect(await firstLine(child)).toMatch(LISTENING);
  });

  it('closes cleanly with exit code 0 on SIGTERM', async () => {
    const child = start(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0']);
    await firstLine(child);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');

    expect(await exited).toEqual([0, null]);
  });

  it('exits 2 with a message on stderr for an invalid flag value', async () => {
    const child = start('npx', ['tsx', 'emulator/cli.ts', '--port', 'abc']);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const [code] = await once(child, 'close');

    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a non-negative integer (got "abc")');
  });

  it('warns on stderr when --host is not a loopback address', async () => {
    const child = start(process.execPath, [
      '--import',
      'tsx',
      'emulator/cli.ts',
      '--port',
      '0',
      '--host',
      '0.0.0.0',
    ]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    await firstLine(child);
    // It warns before it prints that line; once it has exited, all it wrote to stderr has arrived.
    const closed = once(child, 'close');
    child.kill('SIGTERM');
    await closed;

    expect(stderr).toContain('warning: listening on 0.0.0.0, which is not a loopback address');
  });

  it('takes the new behaviour flags and serves with them', async () => {
    const child = start(process.execPath, [
      '--import',
      'tsx',
      'emulator/cli.ts',
      '--port',
      '0',
      '--page-size',
      '1',
      '--settle-ms',
      '0',
      '--rate-limit',
      '100',
      '--rate-burst',
      '100',
      '--rate-limit-status',
      '429',
      '--no-server-defaults',
      '--log-max-entries',
      '50',
      '--log-max-bytes',
      '65536',
    ]);

    const line = await firstLine(child);

    expect(line).toMatch(/^listening on /);
  });

  it('exits 2 naming --rate-limit-status for a status other than 503 or 429', async () => {
    const child = start(process.execPath, [
      '--import',
      'tsx',
      'emulator/cli.ts',
      '--rate-limit',
      '5',
      '--rate-limit-status',
      '500',
    ]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const [code] = await once(child, 'close');

    expect(code).toBe(2);
    expect(stderr).toContain('--rate-limit-status must be 503 or 429');
  });
});

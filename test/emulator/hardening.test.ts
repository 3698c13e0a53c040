import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { RequestLog } from '../../emulator/request-log';
import {
  call,
  httpConnection,
  startTestEmulator,
  type TestEmulator,
  useEmulator,
} from '../support/emulator-client';
import { cpuMs } from '../support/clock';

describe('emulator request log bounds', () => {
  let t: TestEmulator;

  afterEach(() => t.emulator.close());

  it('does not keep the body of a connection POST answered 401', async () => {
    t = await startTestEmulator({ settleMs: 0 });

    const res = await call('POST', `${t.emulator.baseUrl}/connections`, { body: httpConnection() });

    expect(res.status).toBe(401);
    expect(t.emulator.requests().at(-1)).toEqual({
      method: 'POST',
      path: '/iot-flow/v1/connections',
      status: 401,
      at: expect.any(String),
    });
  });

  it('keeps only the newest requestLogMaxEntries entries', async () => {
    t = await startTestEmulator({ settleMs: 0, requestLogMaxEntries: 5 });

    for (let i = 0; i < 8; i++) await t.api('GET', `/connections/${2000 + i}`);

    const paths = (await t.control('GET', '/requests')).body.map((e: { path: string }) => e.path);
    expect(paths).toEqual([2003, 2004, 2005, 2006, 2007].map((id) => `/iot-flow/v1/connections/${id}`));
  });

  it('keeps the log within requestLogMaxBytes by dropping the oldest entries', async () => {
    t = await startTestEmulator({ settleMs: 0, requestLogMaxBytes: 4096 });

    for (let i = 0; i < 10; i++) {
      await t.api('POST', '/connections', httpConnection({ name: `n${i}`, padding: 'x'.repeat(1000) }));
    }

    const entries = t.emulator.requests();
    expect(JSON.stringify(entries).length).toBeLessThanOrEqual(4096 + entries.length + 2);
    expect(entries.at(-1)?.body).toMatchObject({ name: 'n9' });
  });
});

describe('emulator RequestLog', () => {
  it('holds at most 10,000 entries by default, the newest ones', () => {
    const log = new RequestLog();

    for (let i = 0; i < 25_000; i++) log.record({ method: 'GET', path: `/${i}`, status: 200, at: '' });

    const entries = log.list();
    expect(entries).toHaveLength(10_000);
    expect(entries[0].path).toBe('/15000');
    expect(entries.at(-1)?.path).toBe('/24999');
  });

  it('records 200,000 calls into a full log in linear time', () => {
    const log = new RequestLog({ maxEntries: 10_000 });
    const before = process.cpuUsage();

    for (let i = 0; i < 200_000; i++) log.record({ method: 'GET', path: `/${i}`, status: 200, at: '' });
    log.list();

    // CPU time, which a busy machine does not stretch as it does wall time; about 0.1 s on 2 cores.
    expect(cpuMs(before)).toBeLessThan(3000);
  });
});

describe('emulator JSON depth limit', () => {
  const t = useEmulator({ settleMs: 0 });

  it('refuses a POST nested 10,000 deep with 400 and stores nothing', async () => {
    const deep = `{"name":"deep","connectorId":"x","configuration":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;

    const res = await t.api('POST', '/connections', deep);

    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/nested deeper than 64/);
    expect((await t.control('GET', '/connections')).body).toEqual([]);
  });

  it('accepts brackets inside strings however many there are', async () => {
    const res = await t.api('POST', '/connections', httpConnection({ name: '['.repeat(200) }));

    expect(res.status).toBe(201);
  });

  it('refuses an over-deep body on the control plane with 400', async () => {
    const res = await t.control('POST', '/faults', `${'['.repeat(1000)}${']'.repeat(1000)}`);

    expect(res.status).toBe(400);
  });
});

describe('emulator state file writes', () => {
  let dir: string;
  let stateFile: string;
  let t: TestEmulator;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iotflow-hardening-'));
    stateFile = join(dir, 'state.json');
  });
  afterEach(async () => {
    await t?.emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Makes every write fail (a rename cannot replace a directory) and returns how to undo it. */
  function breakStateFile(): () => void {
    const saved = readFileSync(stateFile);
    rmSync(stateFile);
    mkdirSync(stateFile);
    writeFileSync(join(stateFile, 'keep'), '');
    return () => {
      rmSync(stateFile, { recursive: true });
      writeFileSync(stateFile, saved);
    };
  }

  it('answers 500 and keeps nothing in memory when a create cannot be written', async () => {
    t = await startTestEmulator({ stateFile, settleMs: 0 });
    breakStateFile();

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.status).toBe(500);
    expect((await t.api('GET', '/connections')).body).toEqual([]);
  });

  it('never hands out the id of a create that could not be written', async () => {
    t = await startTestEmulator({ stateFile, settleMs: 0 });
    await t.api('POST', '/connections', httpConnection());
    const repair = breakStateFile();
    expect((await t.api('POST', '/connections', httpConnection())).status).toBe(500);
    repair();

    const res = await t.api('POST', '/connections', httpConnection());

    expect(res.body.id).toBe('1002');
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).nextId).toBe(1003);
  });

  it('rolls back a PUT that cannot be written', async () => {
    t = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await t.api('POST', '/connections', httpConnection({ name: 'before' }));
    breakStateFile();

    const res = await t.api('PUT', `/connections/${created.body.id}`, httpConnection({ name: 'after' }));

    expect(res.status).toBe(500);
    expect((await t.api('GET', `/connections/${created.body.id}`)).body.name).toBe('before');
  });

  it('rolls back a DELETE that cannot be written', async () => {
    t = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await t.api('POST', '/connections', httpConnection());
    breakStateFile();

    expect((await t.api('DELETE', `/connections/${created.body.id}`)).status).toBe(500);
    expect((await t.api('GET', `/connections/${created.body.id}`)).status).toBe(200);
  });

  it('keeps a symlinked state file a symlink and writes through to its target', async () => {
    const target = join(dir, 'real', 'state.json');
    mkdirSync(join(dir, 'real'));
    symlinkSync(target, stateFile);
    t = await startTestEmulator({ stateFile, settleMs: 0 });

    await t.api('POST', '/connections', httpConnection({ name: 'through-the-link' }));

    expect(lstatSync(stateFile).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain('through-the-link');
    expect(readdirSync(join(dir, 'real'))).toEqual(['state.json']);
    expect(readdirSync(dir).sort()).toEqual(['real', 'state.json']);
  });

  it('refuses to start on a state file holding an id twice, naming the id', async () => {
    const connection = { id: '1004', name: 'a', connectorId: 'x', configuration: {}, active: true };
    const twice = [connection, { ...connection, name: 'b' }].map((c) => ({
      ...c,
      state: 'OPENED',
      startupTime: '2024-01-01T00:00:00.000Z',
    }));
    writeFileSync(stateFile, JSON.stringify({ nextId: 1005, connections: twice }));

    await expect(startEmulator({ stateFile })).rejects.toThrow(/connection id "1004" more than once/);
  });
});

describe('emulator control plane guard', () => {
  let t: TestEmulator;

  beforeEach(async () => {
    t = await startTestEmulator({ settleMs: 0 });
    await t.api('POST', '/connections', httpConnection());
  });
  afterEach(() => t.emulator.close());

  const reset = (headers: Record<string, string>, body?: string) =>
    call('POST', `${t.emulator.url}/__emulator/reset`, { headers, body });

  it('refuses a call that carries an Origin header with 403', async () => {
    const res = await reset({ Origin: 'https://evil.example' });

    expect(res.status).toBe(403);
    expect((await t.control('GET', '/connections')).body).toHaveLength(1);
  });

  it('refuses a cross-site call marked by Sec-Fetch-Site with 403', async () => {
    expect((await reset({ 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
  });

  it('refuses a GET of the request log from a web page with 403', async () => {
    const res = await call('GET', `${t.emulator.url}/__emulator/requests`, {
      headers: { Origin: 'http://localhost:3000' },
    });

    expect(res.status).toBe(403);
  });

  it('refuses a form-encoded POST with 415', async () => {
    const res = await reset({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=b');

    expect(res.status).toBe(415);
    expect((await t.control('GET', '/connections')).body).toHaveLength(1);
  });

  it('refuses a text/plain fault rule with 415', async () => {
    const res = await call('POST', `${t.emulator.url}/__emulator/faults`, {
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify([{ status: 500, times: 1 }]),
    });

    expect(res.status).toBe(415);
  });

  it('still accepts a bodiless POST from a test client', async () => {
    expect((await reset({})).status).toBe(204);
  });
});

describe('emulator fault path patterns', () => {
  const t = useEmulator({ settleMs: 0 });

  it.each(['^(a|aa)+$', '^/(a|aa)+$'])(
    'refuses the backtracking regex %s and stays responsive',
    async (path) => {
      const rule = await t.control('POST', '/faults', [{ path, status: 500, times: 1 }]);

      const res = await call('GET', `${t.emulator.url}/${'a'.repeat(40)}!`, {
        token: t.token,
      });

      expect(rule.status).toBe(400);
      expect(rule.body.message).toContain('glob');
      expect(res.status).toBe(404);
    },
  );

  it('matches a long path against a many-star pattern quickly', async () => {
    await t.control('POST', '/faults', [{ path: `^${'*a'.repeat(30)}$`, status: 500, times: 1 }]);
    const before = process.cpuUsage();

    const res = await call('GET', `${t.emulator.url}/${'a'.repeat(5000)}b`, { token: t.token });

    expect(res.status).toBe(404);
    // The CPU time of the call, client and server (both in this process), not the wall time a busy machine
    // stretches; backtracking would take years.
    expect(cpuMs(before)).toBeLessThan(1000);
  });

  it.each([
    ['/connections$', '/iot-flow/v1/connections', true],
    ['/connections$', '/iot-flow/v1/connections/1000', false],
    ['^/iot-flow/v1/connections/', '/iot-flow/v1/connections/1000', true],
    ['^/iot-flow/v1/connections/', '/thingpark/dx/core/latest/api/connections/1000', false],
    ['/connections/*/', '/iot-flow/v1/connections/1000/', true],
    ['^/iot-flow/*/1000$', '/iot-flow/v1/connections/1000', true],
  ])('pattern %s on %s matches: %s', async (path, requestPath, matches) => {
    await t.control('POST', '/faults', [{ path, status: 599, times: 1 }]);

    const res = await call('GET', `${t.emulator.url}${requestPath}`, { token: t.token });

    expect(res.status === 599).toBe(matches);
  });
});

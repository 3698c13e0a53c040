import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { FaultInjector, MAX_FAULT_RULES, MAX_PATTERN_LENGTH, parseFaultRules } from '../../emulator/faults';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_STORE_BYTES, resolveOptions } from '../../emulator/options';
import { httpConnection, useEmulator } from '../support/emulator-client';

describe('emulator fault rule bounds', () => {
  const t = useEmulator({ settleMs: 0 });
  const rule = (path = '/connections$') => ({ path, status: 500, times: 1 });

  it(`refuses more than ${MAX_FAULT_RULES} rules in one call with 400 naming the bound`, async () => {
    const res = await t.control(
      'POST',
      '/faults',
      Array.from({ length: MAX_FAULT_RULES + 1 }, () => rule()),
    );

    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`at most ${MAX_FAULT_RULES} rules`);
  });

  it(`refuses rules past ${MAX_FAULT_RULES} armed in all, arming none of the refused call`, async () => {
    const full = Array.from({ length: MAX_FAULT_RULES }, () => rule('^/nowhere$'));
    expect((await t.control('POST', '/faults', full)).status).toBe(204);

    const res = await t.control('POST', '/faults', [rule()]);

    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`at most ${MAX_FAULT_RULES} fault rules armed at once`);
    expect((await t.api('GET', '/connections')).status).toBe(200);
  });

  it(`refuses a path pattern longer than ${MAX_PATTERN_LENGTH} characters`, async () => {
    const res = await t.control('POST', '/faults', [rule('a'.repeat(MAX_PATTERN_LENGTH + 1))]);

    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`at most ${MAX_PATTERN_LENGTH} characters`);
  });
});

describe('emulator fault matching cost', () => {
  /** The worst a client can arm: every rule at its longest, shaped to make a backtracking matcher work. */
  function armedWorstCase(): FaultInjector {
    const stars = `^${'*a'.repeat((MAX_PATTERN_LENGTH - 2) / 2)}$`;
    const literal = `${'a'.repeat(MAX_PATTERN_LENGTH - 1)}b`;
    const parsed = parseFaultRules(
      Array.from({ length: MAX_FAULT_RULES }, (_, i) => ({
        path: i % 2 === 0 ? stars : literal,
        status: 500,
        times: 1,
      })),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const faults = new FaultInjector();
    expect(faults.add(parsed.rules)).toBeUndefined();
    return faults;
  }

  it('matches a 16 KB path against every armed rule at its longest in a few milliseconds of CPU', () => {
    const faults = armedWorstCase();
    const path = `/${'a'.repeat(16 * 1024)}c`;
    // CPU time, the least of a few runs: what matching costs, not what a busy machine adds to it.
    const runs = Array.from({ length: 5 }, () => {
      const before = process.cpuUsage();
      expect(faults.take('GET', path)).toBeUndefined();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    });

    expect(Math.min(...runs)).toBeLessThan(15);
  });
});

describe('emulator store bounds', () => {
  it(`holds at most ${DEFAULT_MAX_CONNECTIONS} connections and ${DEFAULT_MAX_STORE_BYTES} bytes by default`, () => {
    const resolved = resolveOptions({}, 0);

    expect(resolved.maxConnections).toBe(10_000);
    expect(resolved.maxStoreBytes).toBe(64 * 1024 * 1024);
  });

  describe('with a 64 KiB store', () => {
    const t = useEmulator({ settleMs: 0, maxStoreBytes: 64 * 1024 });
    const sized = (bytes: number) => httpConnection({ description: 'x'.repeat(bytes) });

    it('refuses a create past maxStoreBytes with 403 com-4030 and stores nothing', async () => {
      expect((await t.api('POST', '/connections', sized(40 * 1024))).status).toBe(201);

      const res = await t.api('POST', '/connections', sized(40 * 1024));

      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'com-4030', message: expect.stringContaining('Storage limit') });
      expect((await t.api('GET', '/connections')).body).toHaveLength(1);
    });

    it('refuses a PUT that would take the store past maxStoreBytes and keeps the connection as it was', async () => {
      const created = await t.api('POST', '/connections', sized(10));

      const res = await t.api('PUT', `/connections/${created.body.id}`, sized(80 * 1024));

      expect(res.status).toBe(403);
      expect((await t.api('GET', `/connections/${created.body.id}`)).body.description).toBe('x'.repeat(10));
    });

    it('accepts a create again once a delete has freed the bytes', async () => {
      const big = await t.api('POST', '/connections', sized(40 * 1024));
      expect((await t.api('POST', '/connections', sized(40 * 1024))).status).toBe(403);
      await t.api('DELETE', `/connections/${big.body.id}`);

      expect((await t.api('POST', '/connections', sized(40 * 1024))).status).toBe(201);
    });
  });

  it('refuses to start on a state file bigger than maxStoreBytes + 1 MiB, naming the bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotflow-bounds-'));
    try {
      const stateFile = join(dir, 'state.json');
      writeFileSync(stateFile, `{"nextId":1000,"connections":[],"pad":"${'x'.repeat(1024 * 1024 + 1024)}"}`);

      await expect(startEmulator({ stateFile, maxStoreBytes: 1024 })).rejects.toThrow(
        /over the bound of 1049600 \(maxStoreBytes \+ 1 MiB\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { qubitroConnection, SIGNING_KEY, startTestEmulator } from '../support/emulator-client';

describe('emulator persistence', () => {
  let dir: string;
  let stateFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iotflow-emulator-'));
    stateFile = join(dir, 'state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps connections and continues ids after a restart on the same state file', async () => {
    const before = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await before.api('POST', '/connections', qubitroConnection());
    await before.emulator.close();

    const after = await startTestEmulator({ stateFile, settleMs: 0 });
    try {
      expect((await after.api('GET', `/connections/${created.body.id}`)).body).toEqual(created.body);
      expect((await after.api('POST', '/connections', qubitroConnection())).body.id).toBe('1001');
    } finally {
      await after.emulator.close();
    }
  });

  it('writes the state file with mode 0600, keeping the real secret, and no temp files', async () => {
    const t = await startTestEmulator({ stateFile, settleMs: 0 });
    await t.api('POST', '/connections', qubitroConnection());
    await t.emulator.close();

    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(stateFile, 'utf8')).toContain(SIGNING_KEY);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('records deletes in the state file', async () => {
    const before = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await before.api('POST', '/connections', qubitroConnection());
    await before.api('DELETE', `/connections/${created.body.id}`);
    await before.emulator.close();

    const after = await startTestEmulator({ stateFile, settleMs: 0 });
    try {
      expect((await after.api('GET', '/connections')).body).toEqual([]);
    } finally {
      await after.emulator.close();
    }
  });

  it('refuses to start when the state file cannot be written', async () => {
    await expect(startEmulator({ stateFile: join(dir, 'missing', 'state.json') })).rejects.toThrow(
      /Cannot write state file/,
    );
  });

  it('refuses to start on a state file that is not emulator state', async () => {
    writeFileSync(stateFile, '{"hello": "world"}');

    await expect(startEmulator({ stateFile })).rejects.toThrow(/not an emulator state file/);
  });
});

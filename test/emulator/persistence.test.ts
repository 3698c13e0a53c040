import {
  promises as fsp,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { ConnectionStore } from '../../emulator/store';
import { qubitroConnection, SIGNING_KEY, startTestEmulator } from '../support/emulator-client';

/** Holds every state-file rename until `release()`: a write in flight for as long as a test needs. */
function holdRenames() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let writing!: () => void;
  const written = new Promise<void>((resolve) => (writing = resolve));
  const rename = fsp.rename;
  const renames = jest.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
    writing();
    await held;
    return rename(from, to);
  });
  return { written, release, renames };
}

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

  it('has a change in the state file by the time it is answered, before any close', async () => {
    const t = await startTestEmulator({ stateFile, settleMs: 0 });
    try {
      const created = await t.api('POST', '/connections', qubitroConnection());

      const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
      expect(saved.connections.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    } finally {
      await t.emulator.close();
    }
  });

  it('coalesces the changes made while a write is pending into one write', async () => {
    const store = await ConnectionStore.open({
      stateFile,
      settleMs: 0,
      maxConnections: 100,
      maxBytes: 1 << 20,
    });
    const renames = jest.spyOn(fsp, 'rename');
    try {
      await Promise.all(Array.from({ length: 50 }, () => store.create(qubitroConnection())));

      expect(renames).toHaveBeenCalledTimes(1);
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).connections).toHaveLength(50);
    } finally {
      renames.mockRestore();
    }
  });

  it('answers other clients while a write is in flight, and the change only once it is written', async () => {
    const t = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await t.api('POST', '/connections', qubitroConnection());
    const { written, release, renames } = holdRenames();
    try {
      let answered = false;
      const put = t.api('PUT', `/connections/${created.body.id}`, qubitroConnection()).then((res) => {
        answered = true;
        return res;
      });
      await written;

      expect((await t.api('GET', '/connectors')).status).toBe(200);
      expect(answered).toBe(false);
      release();
      expect((await put).status).toBe(200);
    } finally {
      renames.mockRestore();
      await t.emulator.close();
    }
  });

  it('finishes a write in flight before close resolves', async () => {
    const t = await startTestEmulator({ stateFile, settleMs: 0 });
    const created = await t.api('POST', '/connections', qubitroConnection());
    const { written, release, renames } = holdRenames();
    try {
      const deleted = t.api('DELETE', `/connections/${created.body.id}`).catch(() => undefined);
      await written;
      let closed = false;
      const closing = t.emulator.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(closed).toBe(false);
      release();
      await closing;
      await deleted;
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).connections).toEqual([]);
    } finally {
      renames.mockRestore();
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

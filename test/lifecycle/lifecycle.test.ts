/**
 * The plan proven with the real engine against the emulator: exact API calls from its request log.
 * Each scenario runs in order on one workspace, as a user's successive deploys would.
 */
import { fingerprint, startEmulator, RunningEmulator } from '../../emulator';
import { QubitroProjectConnection } from '../../src';
import {
  callApi,
  connectionCalls,
  control,
  engineBinaries,
  stateOf,
  Workspace,
  writes,
} from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const uplinks: QubitroProjectConnection = { id: 'Uplinks', name: 'Farm uplinks', uplinkTimeValidity: '5m' };
const backup: QubitroProjectConnection = { id: 'Backup', name: 'Farm backup', reconnectStrategy: 'CALM' };

describe.each(engineBinaries())('on %s', (binary) => {
  let emulator: RunningEmulator;
  let ws: Workspace;

  beforeAll(async () => {
    emulator = await startEmulator();
    ws = new Workspace(emulator, 'project', binary);
  });

  afterAll(async () => {
    ws?.dispose();
    await emulator?.close();
  });

  const idOf = async (name: string) => (await ws.connectionIds())[name];

  describe('a stack with two connections', () => {
    test('its first apply makes exactly two POSTs with the seed body shape', async () => {
      ws.synth({ projectId: PROJECT, connections: [uplinks, backup] });
      const mark = emulator.requests().length;
      await ws.apply();
      const w = writes(emulator, mark);
      expect(w.map((r) => r.call)).toEqual(['POST /connections', 'POST /connections']);
      expect(w.map((r) => r.body)).toContainEqual({
        name: 'Farm uplinks',
        connectorId: 'actility-http-iot',
        brand: 'QUBITRO',
        configuration: {
          destinationURL: 'https://webhook.qubitro.com/integrations/actility',
          headers: {
            projectId: PROJECT,
            webhookSigningKey: fingerprint(ws.vars.qubitro_webhook_signing_key),
          },
          uplinkTimeValidity: '5m',
        },
      });
    });

    test('a re-plan shows no changes although reads return masked secrets', async () => {
      const mark = emulator.requests().length;
      expect((await ws.plan()).code).toBe(0);
      expect(writes(emulator, mark)).toEqual([]);
      expect(JSON.stringify(emulator.requests().slice(mark))).not.toContain('"PUT"');
    });

    test('one output maps each connection to its id, and the connections are OPENED after apply', async () => {
      const ids = await ws.connectionIds();
      expect(Object.keys(ids).sort()).toEqual(['Backup', 'Uplinks']);
      expect(ids.Uplinks).toMatch(/^\d+$/);
      expect(await stateOf(emulator, ids.Uplinks)).toBe('OPENED');
    });
  });

  describe('changes', () => {
    test('a changed non-secret field makes one PUT of the whole connection, key included', async () => {
      ws.synth({ projectId: PROJECT, connections: [{ ...uplinks, description: 'Barn 2' }, backup] });
      const id = await idOf('Uplinks');
      const mark = emulator.requests().length;
      await ws.apply();
      const w = writes(emulator, mark);
      expect(w.map((r) => r.call)).toEqual([`PUT /connections/${id}`]);
      expect(w[0].body).toMatchObject({
        name: 'Farm uplinks',
        connectorId: 'actility-http-iot',
        brand: 'QUBITRO',
        configuration: {
          description: 'Barn 2',
          headers: {
            projectId: PROJECT,
            webhookSigningKey: fingerprint(ws.vars.qubitro_webhook_signing_key),
          },
        },
      });
      expect((await ws.plan()).code).toBe(0);
    });

    test('a rotated signing key makes one PUT per connection with the new key, shown nowhere', async () => {
      const oldKey = ws.vars.qubitro_webhook_signing_key;
      const newKey = 'rotated-signing-key-1a2b3c4d5e6f';
      ws.vars.qubitro_webhook_signing_key = newKey;
      const mark = emulator.requests().length;
      const plan = await ws.plan();
      expect(plan.code).toBe(2);
      expect(plan.output).toMatch(
        /~ secrets_fingerprint\s+= "hmac-sha256:[0-9a-f:]+" -> \(known after apply\)/,
      );
      const apply = await ws.apply();
      const w = writes(emulator, mark);
      expect(w.map((r) => r.method)).toEqual(['PUT', 'PUT']);
      for (const r of w) {
        expect(r.body).toMatchObject({
          configuration: { headers: { webhookSigningKey: fingerprint(newKey) } },
        });
      }
      for (const text of [plan.output, apply.output]) {
        expect(text).not.toContain(newKey);
        expect(text).not.toContain(oldKey);
      }
      expect((await ws.plan()).code).toBe(0);
    });

    test('a non-secret change shows field by field in the plan, the key hidden', async () => {
      ws.synth({ projectId: PROJECT, connections: [{ ...uplinks, description: 'Barn 3' }, backup] });
      const plan = await ws.plan();
      expect(plan.code).toBe(2);
      expect(plan.output).toMatch(/~ description\s+= "Barn 2" -> "Barn 3"/);
      expect(plan.output).not.toContain(ws.vars.qubitro_webhook_signing_key);
      ws.synth({ projectId: PROJECT, connections: [{ ...uplinks, description: 'Barn 2' }, backup] });
    });
  });

  describe('drift', () => {
    test('a connection deleted in the UI is planned for creation and re-created', async () => {
      const id = await idOf('Backup');
      await callApi(emulator, 'DELETE', `/connections/${id}`);
      const plan = await ws.plan();
      expect(plan.code).toBe(2);
      expect(plan.output).toMatch(/iotflow_connection\.Backup_\w+ will be created/);
      const mark = emulator.requests().length;
      await ws.apply();
      expect(writes(emulator, mark).map((r) => r.call)).toEqual(['POST /connections']);
      expect((await ws.plan()).code).toBe(0);
    });

    test('a connection edited in the UI is planned for update and restored', async () => {
      const id = await idOf('Uplinks');
      const current = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
      current.configuration.destinationURL = 'https://example.invalid/hook';
      await callApi(emulator, 'PUT', `/connections/${id}`, current);
      const plan = await ws.plan();
      expect(plan.code).toBe(2);
      expect(plan.output).toMatch(
        /~ destinationURL\s+= "https:\/\/example\.invalid\/hook" -> "https:\/\/webhook\.qubitro\.com/,
      );
      const mark = emulator.requests().length;
      await ws.apply();
      const w = writes(emulator, mark);
      expect(w.map((r) => r.call)).toEqual([`PUT /connections/${id}`]);
      expect(w[0].body).toMatchObject({
        configuration: { destinationURL: 'https://webhook.qubitro.com/integrations/actility' },
      });
      expect((await ws.plan()).code).toBe(0);
    });
  });

  describe('did it work', () => {
    test('a connection that is not OPENED is reported by name in one warning', async () => {
      const id = await idOf('Uplinks');
      await control(emulator, `connections/${id}/state`, { state: 'UNREACHABLE' });
      const apply = await ws.apply();
      expect(apply.output.match(/Warning: /g)).toHaveLength(1);
      expect(apply.output.replace(/\s+/g, ' ')).toContain(
        `connection "Farm uplinks" (id ${id}) is UNREACHABLE; expected OPENED`,
      );
      expect(await stateOf(emulator, id)).toBe('UNREACHABLE');
    });
  });

  describe('removal', () => {
    test('a connection removed from code makes exactly one DELETE', async () => {
      const id = await idOf('Backup');
      ws.synth({ projectId: PROJECT, connections: [{ ...uplinks, description: 'Barn 2' }] });
      const mark = emulator.requests().length;
      await ws.apply();
      expect(writes(emulator, mark).map((r) => r.call)).toEqual([`DELETE /connections/${id}`]);
    });

    test('destroy deletes each connection once, and a 404 (deleted in the UI) still succeeds', async () => {
      ws.synth({ projectId: PROJECT, connections: [uplinks, backup] });
      await ws.apply();
      const gone = await idOf('Backup');
      const kept = await idOf('Uplinks');
      await control(emulator, 'faults', [
        { method: 'DELETE', path: `/connections/${gone}$`, status: 404, times: 1 },
      ]);
      const mark = emulator.requests().length;
      await ws.apply('-destroy');
      const calls = writes(emulator, mark).map((r) => `${r.call} ${r.status}`);
      expect(calls.sort()).toEqual(
        [`DELETE /connections/${gone} 404`, `DELETE /connections/${kept} 204`].sort(),
      );
    });
  });

  describe('adoption', () => {
    test('an existing connection adopted by id makes no POST, then the plan is empty', async () => {
      const created = (
        await callApi(emulator, 'POST', '/connections', {
          name: 'Made in the UI',
          connectorId: 'actility-http-iot',
          brand: 'QUBITRO',
          configuration: {
            destinationURL: 'https://webhook.qubitro.com/integrations/actility',
            headers: { projectId: PROJECT, webhookSigningKey: ws.vars.qubitro_webhook_signing_key },
          },
        })
      ).body!;
      ws.synth({
        projectId: PROJECT,
        connections: [{ id: 'Adopted', name: 'Made in the UI', importFrom: created.id }],
      });
      const mark = emulator.requests().length;
      await ws.apply();
      const calls = connectionCalls(emulator, mark).map((r) => r.method);
      expect(calls).not.toContain('POST');
      expect(await idOf('Adopted')).toBe(created.id);
      expect((await ws.plan()).code).toBe(0);
    });
  });
});

/** Simulated uplinks: the IoT Flow emulator POSTs a DevEUI_uplink to each connection's destination. */
import {
  startEmulator,
  startQubitroEmulator,
  OptionError,
  type RunningQubitroEmulator,
} from '../../emulator';
import {
  PROJECT_ID,
  SIGNING_KEY,
  qubitroConnection,
  startTestEmulator,
  type TestEmulator,
} from '../support/emulator-client';

const DEV_EUI = '70B3D57ED0001234';
const QUBITRO_DESTINATION = { destinationURL: 'https://webhook.qubitro.com/integrations/actility' };

let q: RunningQubitroEmulator;
let t: TestEmulator;

beforeEach(async () => {
  q = await startQubitroEmulator({ projects: [{ id: PROJECT_ID, signingKey: SIGNING_KEY }] });
  t = await startTestEmulator({ settleMs: 0, routes: { 'webhook.qubitro.com': q.url } });
});
afterEach(async () => {
  await t.emulator.close();
  await q.close();
});

async function createQubitro(headers: Record<string, unknown> = {}): Promise<string> {
  const body = qubitroConnection(headers) as { configuration: Record<string, unknown> };
  Object.assign(body.configuration, QUBITRO_DESTINATION);
  return (await t.api('POST', '/connections', body)).body.id as string;
}

describe('POST /__emulator/uplinks', () => {
  it("delivers to the routed host with the connection's real headers, and records the outcome", async () => {
    const id = await createQubitro();

    const res = await t.control('POST', '/uplinks', { DevEUI: DEV_EUI, payload: '0102' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ connectionId: id, DevEUI: DEV_EUI, at: expect.any(String), status: 200 }]);
    expect(q.uplinks()).toEqual([expect.objectContaining({ projectId: PROJECT_ID, outcome: 'accepted' })]);
    expect((await t.control('GET', `/connections/${id}/uplinks`)).body).toEqual(res.body);
  });

  it("keeps the user's destinationURL as it was", async () => {
    const id = await createQubitro();
    await t.control('POST', '/uplinks', { DevEUI: DEV_EUI });

    expect((await t.api('GET', `/connections/${id}`)).body.configuration.destinationURL).toBe(
      QUBITRO_DESTINATION.destinationURL,
    );
  });

  it("records the receiver's refusal of a wrong key as its status", async () => {
    await createQubitro({ webhookSigningKey: 'stale-key' });

    const res = await t.control('POST', '/uplinks', { DevEUI: DEV_EUI });

    expect(res.body[0].status).toBe(401);
  });

  it('sends through every OPENED connection only, without a connection named', async () => {
    const opened = await createQubitro();
    const closed = await createQubitro();
    await t.control('POST', `/connections/${closed}/state`, { state: 'CLOSED' });

    const res = await t.control('POST', '/uplinks', { DevEUI: DEV_EUI });

    expect(res.body.map((d: { connectionId: string }) => d.connectionId)).toEqual([opened]);
  });

  it('sends nothing through a named connection that is not OPENED, and says why', async () => {
    const id = await createQubitro();
    await t.control('POST', `/connections/${id}/state`, { state: 'CLOSED' });

    const res = await t.control('POST', '/uplinks', { DevEUI: DEV_EUI, connection: id });

    expect(res.body[0]).toEqual(expect.objectContaining({ error: expect.stringContaining('CLOSED') }));
    expect(q.uplinks()).toEqual([]);
  });

  it('sends nothing to a host without a route', async () => {
    const other = await startTestEmulator({ settleMs: 0 });
    try {
      const body = qubitroConnection() as { configuration: Record<string, unknown> };
      Object.assign(body.configuration, QUBITRO_DESTINATION);
      await other.api('POST', '/connections', body);

      const res = await other.control('POST', '/uplinks', { DevEUI: DEV_EUI });

      expect(res.body[0].error).toMatch(/no route for webhook\.qubitro\.com/);
      expect(q.uplinks()).toEqual([]);
    } finally {
      await other.emulator.close();
    }
  });

  it('answers 404 for an unknown connection and 400 for a bad DevEUI', async () => {
    expect((await t.control('POST', '/uplinks', { DevEUI: DEV_EUI, connection: '999' })).status).toBe(404);
    expect((await t.control('POST', '/uplinks', { DevEUI: 'xyz' })).status).toBe(400);
  });

  it('forgets the deliveries on reset', async () => {
    await createQubitro();
    await t.control('POST', '/uplinks', { DevEUI: DEV_EUI });

    await t.control('POST', '/reset');

    expect((await t.control('GET', '/uplinks')).body).toEqual([]);
  });
});

describe('routes option', () => {
  it('rejects a route target with a path', async () => {
    await expect(
      startEmulator({ routes: { 'webhook.qubitro.com': 'http://127.0.0.1:1/x' } }),
    ).rejects.toThrow(OptionError);
  });
});

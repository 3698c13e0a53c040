/** The Qubitro emulator's contract: the Actility webhook, the REST API v2 subset, its control plane. */
import { startQubitroEmulator, type RunningQubitroEmulator } from '../../emulator';
import { call } from '../support/emulator-client';

const PROJECT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const KEY = 'qubitro-signing-key-do-not-leak';
const ALL = 'QB_all-projects-key';
const SCOPED = 'QB_other-project-only';
const DEV_EUI = '70B3D57ED0001234';

let q: RunningQubitroEmulator;

beforeEach(async () => {
  q = await startQubitroEmulator({
    projects: [
      { id: PROJECT, name: 'Farm', signingKey: KEY },
      { id: OTHER, signingKey: 'other-key' },
    ],
    apiKeys: [{ key: ALL }, { key: SCOPED, projects: [OTHER] }],
  });
});
afterEach(() => q.close());

const uplink = (headers: Record<string, string>, devEui = DEV_EUI) =>
  call('POST', q.webhookUrl, {
    headers,
    body: { DevEUI_uplink: { DevEUI: devEui, Time: '2026-01-01T00:00:00Z', payload_hex: '00' } },
  });
const api = (path: string, key = ALL) =>
  call('GET', `${q.apiUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });

describe('POST /integrations/actility', () => {
  it("accepts an uplink with a known projectId and that project's key", async () => {
    const res = await uplink({ projectId: PROJECT, webhookSigningKey: KEY });

    expect(res.status).toBe(200);
    expect(q.uplinks()).toEqual([
      { at: expect.any(String), projectId: PROJECT, DevEUI: DEV_EUI, status: 200, outcome: 'accepted' },
    ]);
  });

  it('refuses an unknown projectId with 404', async () => {
    const res = await uplink({ projectId: '00000000-0000-4000-8000-000000000000', webhookSigningKey: KEY });

    expect(res.status).toBe(404);
    expect(q.uplinks()[0].outcome).toBe('unknown project');
  });

  it("refuses another project's key with 401", async () => {
    const res = await uplink({ projectId: PROJECT, webhookSigningKey: 'other-key' });

    expect(res.status).toBe(401);
    expect(q.uplinks()[0].outcome).toBe('wrong key');
  });

  it('refuses a call without the two headers with 401', async () => {
    expect((await uplink({ projectId: PROJECT })).status).toBe(401);
  });

  it('refuses a body that is not a DevEUI_uplink with 400', async () => {
    const res = await call('POST', q.webhookUrl, {
      headers: { projectId: PROJECT, webhookSigningKey: KEY },
      body: { uplink: {} },
    });

    expect(res.status).toBe(400);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await call('POST', q.webhookUrl, {
      headers: { projectId: PROJECT, webhookSigningKey: KEY },
      body: 'x'.repeat(1024 * 1024 + 1),
    });

    expect(res.status).toBe(413);
  });

  it('creates the device by DevEUI, then updates its last_seen', async () => {
    await uplink({ projectId: PROJECT, webhookSigningKey: KEY });
    const first = (await api(`/v2/projects/${PROJECT}/devices`)).body[0].last_seen as string;
    await new Promise((r) => setTimeout(r, 5));
    await uplink({ projectId: PROJECT, webhookSigningKey: KEY }, DEV_EUI.toLowerCase());

    const devices = (await api(`/v2/projects/${PROJECT}/devices`)).body;
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ id: DEV_EUI });
    expect(Date.parse(devices[0].last_seen)).toBeGreaterThan(Date.parse(first));
  });
});

describe('REST API v2', () => {
  it('answers GET /v2/projects/{id} for a key that may see the project', async () => {
    const res = await api(`/v2/projects/${PROJECT}`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: PROJECT, name: 'Farm' });
  });

  it('answers 404 "not found or access denied" for a missing project', async () => {
    const res = await api('/v2/projects/00000000-0000-4000-8000-000000000000');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'not found or access denied' });
  });

  it('answers the same 404 for a project the key is not scoped to', async () => {
    const res = await api(`/v2/projects/${PROJECT}`, SCOPED);

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'not found or access denied' });
  });

  it('lists only the projects a scoped key may see', async () => {
    expect((await api('/v2/projects', SCOPED)).body).toEqual([{ id: OTHER, name: expect.any(String) }]);
  });

  it('answers 401 without a known QB_ key', async () => {
    expect((await api(`/v2/projects/${PROJECT}`, 'QB_unknown')).status).toBe(401);
    expect((await call('GET', `${q.apiUrl}/v2/projects`)).status).toBe(401);
  });

  it('answers 404 for devices of a project the key is not scoped to', async () => {
    expect((await api(`/v2/projects/${PROJECT}/devices`, SCOPED)).status).toBe(404);
  });
});

describe('control plane /__qubitro', () => {
  const control = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(method, `${q.url}/__qubitro${path}`, { body, headers });

  it('lists projects with the signing key as a fingerprint only', async () => {
    const res = await control('GET', '/projects');

    expect(res.text).not.toContain(KEY);
    expect(res.body[0]).toEqual({
      id: PROJECT,
      name: 'Farm',
      signingKey: expect.stringMatching(/^sha256:/),
      devices: 0,
    });
  });

  it('rotates a project key: the old key is refused after', async () => {
    expect((await control('POST', '/projects', { id: PROJECT, signingKey: 'rotated' })).status).toBe(204);

    expect((await uplink({ projectId: PROJECT, webhookSigningKey: KEY })).status).toBe(401);
    expect((await uplink({ projectId: PROJECT, webhookSigningKey: 'rotated' })).status).toBe(200);
  });

  it('refuses an API key that does not start with QB_', async () => {
    const res = await control('POST', '/api-keys', { key: 'abc' });

    expect(res.status).toBe(400);
    expect(res.body.message).toContain('QB_');
  });

  it('refuses calls from a web page', async () => {
    expect((await control('GET', '/projects', undefined, { Origin: 'https://evil.example' })).status).toBe(
      403,
    );
  });

  it('empties everything on POST /reset', async () => {
    await control('POST', '/reset');

    expect((await control('GET', '/projects')).body).toEqual([]);
    expect((await api(`/v2/projects/${PROJECT}`)).status).toBe(401);
  });
});

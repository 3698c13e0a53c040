/**
 * The fault matrix: the real engine against the emulator's fault injection. After each fault the tenant
 * holds no duplicate name and no connection the state does not know, and the plan is empty once recovered;
 * where recovery is impossible the error says what to fix. (Deleted and edited in the UI: lifecycle.test.ts.)
 */
import { EmulatorOptions, FaultRule, RunningEmulator, startEmulator } from '../../emulator';
import { QubitroProjectConnection, QubitroProjectStackProps } from '../../src';
import {
  callApi,
  CLIENT_SECRET,
  connectionCalls,
  control,
  killWhen,
  RunResult,
  Workspace,
} from '../support/engine';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';

const connections = (n: number): QubitroProjectConnection[] =>
  Array.from({ length: n }, (_, i) => ({ id: `Conn${i + 1}`, name: `Sensor route ${i + 1}` }));

interface Scenario {
  emulator: RunningEmulator;
  ws: Workspace;
}

const open: Scenario[] = [];

async function scenario(
  options: EmulatorOptions,
  props: Omit<QubitroProjectStackProps, 'baseUrl' | 'clientId'>,
): Promise<Scenario> {
  const emulator = await startEmulator(options);
  const ws = new Workspace(emulator);
  ws.synth(props);
  const s = { emulator, ws };
  open.push(s);
  return s;
}

afterEach(async () => {
  for (const { emulator, ws } of open.splice(0)) {
    ws.dispose();
    await emulator.close();
  }
});

const faults = (emulator: RunningEmulator, rules: FaultRule[]) => control(emulator, 'faults', rules);
/** POSTs that created a connection, answered or not (a dropped answer is logged with the status it had). */
const posts = (emulator: RunningEmulator, since = 0) =>
  connectionCalls(emulator, since).filter((r) => r.method === 'POST' && r.status === 201);

/** No duplicate names, nothing the state does not know, and an empty plan. */
async function expectConverged({ emulator, ws }: Scenario, expected: number): Promise<void> {
  const tenant = (await callApi(emulator, 'GET', '/connections')).body as unknown as Array<{
    id: string;
    name: string;
  }>;
  expect(new Set(tenant.map((c) => c.name)).size).toBe(tenant.length);
  expect(tenant).toHaveLength(expected);
  const managed = Object.values(await ws.connectionIds());
  expect(tenant.map((c) => c.id).sort()).toEqual(managed.sort());
  expect((await ws.plan()).code).toBe(0);
}

const failed = (r: RunResult) => {
  expect(r.code).not.toBe(0);
  return r.output;
};

describe('rate limiting and unavailability (default auth mode: OAuth2 client credentials)', () => {
  test('a 429 with Retry-After and two 503s without it are ridden out with no duplicate', async () => {
    const s = await scenario({}, { projectId: PROJECT, connections: connections(3) });
    await faults(s.emulator, [
      { method: 'POST', path: '/connections$', status: 429, retryAfter: 1, times: 1 },
      { method: 'POST', path: '/connections$', status: 503, times: 2 },
    ]);
    await s.ws.apply();
    const refused = connectionCalls(s.emulator).filter((r) => r.status === 429 || r.status === 503);
    expect(refused.map((r) => r.status).sort()).toEqual([429, 503, 503]);
    expect(posts(s.emulator)).toHaveLength(3);
    await expectConverged(s, 3);
  });

  test('an NGINX-style rate limit (503, no Retry-After) on an apply of 12 is ridden out', async () => {
    const s = await scenario(
      { rateLimit: 5, rateBurst: 3 },
      { projectId: PROJECT, connections: connections(12), maxRetries: 6 },
    );
    await s.ws.apply();
    expect(connectionCalls(s.emulator).some((r) => r.status === 503)).toBe(true);
    expect(posts(s.emulator)).toHaveLength(12);
    await expectConverged(s, 12);
  });

  test('503s beyond the retries: a clear error naming the connection, the call and the status', async () => {
    const s = await scenario({}, { projectId: PROJECT, connections: connections(1), maxRetries: 1 });
    await faults(s.emulator, [{ method: 'POST', path: '/connections$', status: 503, times: 5 }]);
    const output = failed(await s.ws.tofu('apply', '-auto-approve', '-input=false'));
    expect(output).toMatch(/POST \/connections/);
    expect(output).toMatch(/503/);
    expect(output).toMatch(/iotflow_connection\.Conn1_\w+/);
    await control(s.emulator, 'reset', {});
  });

  test('an API that stops answering fails the apply within timeoutSeconds × (maxRetries + 1) plus a margin', async () => {
    const s = await scenario(
      {},
      { projectId: PROJECT, connections: connections(1), timeoutSeconds: 2, maxRetries: 1 },
    );
    await s.ws.tofu('init', '-input=false');
    await faults(s.emulator, [{ method: 'POST', path: '/connections$', delayMs: 600_000, times: 10 }]);
    const started = Date.now();
    const output = failed(await s.ws.tofu('apply', '-auto-approve', '-input=false'));
    // 2 attempts of 2 s, the backoff, the lookups before a re-send, and the engine's start and plan, which a
    // busy machine stretches: generous, yet short of the 2 × 30 s that attempts at the default timeout take.
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(output).toMatch(/iotflow_connection\.Conn1_\w+/);
    expect(output).toMatch(/2s|request_timeout_seconds/);
    await control(s.emulator, 'reset', {});
  });
});

describe('token expiry', () => {
  test('tokens expiring during an apply of many connections are renewed and the apply succeeds', async () => {
    // The provider renews a token 30 s before it expires: a 31-s token is renewed after 1 s of use, yet stays
    // valid for 30 s more, so that only a renewal it skipped (not a busy machine) can bring a 401.
    const s = await scenario(
      { tokenTtlSeconds: 31, latencyMs: 150 },
      { projectId: PROJECT, connections: connections(12) },
    );
    await s.ws.apply('-parallelism=2');
    const tokens = s.emulator.requests().filter((r) => r.path.endsWith('/token'));
    expect(tokens.length).toBeGreaterThan(2);
    expect(connectionCalls(s.emulator).filter((r) => r.status === 401)).toEqual([]);
    await expectConverged(s, 12);
  });
});

describe('lost answers and killed runs', () => {
  test('a POST whose answer is lost: the provider finds the connection it made and creates no second', async () => {
    const s = await scenario({}, { projectId: PROJECT, connections: connections(2) });
    await faults(s.emulator, [{ method: 'POST', path: '/connections$', dropAfterCommit: true, times: 1 }]);
    await s.ws.apply();
    expect(posts(s.emulator)).toHaveLength(2);
    await expectConverged(s, 2);
  });

  test('the engine killed half-way through an apply of 20: the next plan names what it made, adoption converges', async () => {
    const s = await scenario({ latencyMs: 200 }, { projectId: PROJECT, connections: connections(20) });
    await s.ws.tofu('init', '-input=false');
    const killed = await s.ws.tofuWith(
      { onStart: killWhen(() => posts(s.emulator).length >= 6) },
      'apply',
      '-auto-approve',
      '-input=false',
      '-parallelism=3',
    );
    expect(killed.code).not.toBe(0);
    const before = posts(s.emulator).length;
    expect(before).toBeGreaterThanOrEqual(6);
    expect(before).toBeLessThan(20);
    // A SIGKILL loses the state of what the run created: those connections are not taken over silently.
    const plan = await s.ws.plan();
    expect(plan.code).toBe(1);
    expect(plan.output).toMatch(/already exists/);
    expect(plan.output).toMatch(/adoptExisting/);
    s.ws.synth({
      projectId: PROJECT,
      connections: connections(20).map((c) => ({ ...c, adoptExisting: true })),
    });
    const mark = s.emulator.requests().length;
    await s.ws.apply();
    expect(posts(s.emulator, mark).length).toBe(20 - before);
    await expectConverged(s, 20);
  });
});

describe('errors that need the user', () => {
  test('the account limit: the error names the limit and the connection that did not fit', async () => {
    const s = await scenario(
      { maxConnections: 2 },
      { projectId: PROJECT, connections: [...connections(2), { id: 'Overflow', name: 'One too many' }] },
    );
    const output = failed(await s.ws.tofu('apply', '-auto-approve', '-input=false', '-parallelism=1'));
    expect(output).toMatch(/403/);
    expect(output).toMatch(/Max connection limit reached/);
    expect(output).toMatch(/iotflow_connection\.(Overflow|Conn\d)_\w+/);
  });

  test('a wrong client secret: the error names the credential to fix and shows no secret', async () => {
    const s = await scenario({}, { projectId: PROJECT, connections: connections(1) });
    s.ws.vars.thingpark_client_secret = 'wrong-secret-5f4e3d2c1b';
    const output = failed(await s.ws.tofu('apply', '-auto-approve', '-input=false'));
    expect(output).toMatch(/invalid_client/);
    expect(output).not.toContain('wrong-secret-5f4e3d2c1b');
    expect(output).not.toContain(CLIENT_SECRET);
    expect(output).not.toContain(s.ws.vars.qubitro_webhook_signing_key);
  });
});

/**
 * The real engine against a misbehaving API: a hostile proxy in front of the emulator redirects, echoes the
 * request, answers about another connection, commits a create after answering it, or lets another stack's
 * create land at the same time. The provider refuses or survives each, as README.md's "When things go wrong"
 * table says: nothing leaves the configured origin, no secret is printed, no id is switched, nothing is
 * created twice, and no two states hold one id.
 */
import { RunningEmulator, startEmulator } from '../../emulator';
import {
  callApi,
  connectionCalls,
  EngineBinary,
  engineBinaries,
  RunResult,
  Workspace,
} from '../support/engine';
import { HostileProxy, isCreate, ProxiedCall, Sink } from '../support/hostile-proxy';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
const OTHER_PROJECT = '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b';

let emulator: RunningEmulator;
let proxy: HostileProxy;
let sink: Sink;
const workspaces: Workspace[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ settleMs: 0 });
  proxy = await HostileProxy.start(emulator);
  sink = await Sink.start();
});

afterEach(async () => {
  for (const ws of workspaces.splice(0)) ws.dispose();
  await proxy.close();
  await sink.close();
  await emulator.close();
});

function workspace(
  binary: EngineBinary,
  names: string[] = ['Farm uplinks'],
  timeoutSeconds?: number,
): Workspace {
  const ws = new Workspace(proxy, 'project', binary);
  ws.synth({
    projectId: PROJECT,
    connections: names.map((name, i) => ({ id: `Conn${i + 1}`, name })),
    timeoutSeconds,
  });
  workspaces.push(ws);
  return ws;
}

/** The engine's output on one line, without the diagnostic frame. */
const text = (r: RunResult) => r.output.replace(/│/g, ' ').replace(/\s+/g, ' ');

async function failed(r: Promise<RunResult>): Promise<string> {
  const result = await r;
  expect(result.code).not.toBe(0);
  return text(result);
}

async function tenant(): Promise<{ id: string; name: string; configuration: Record<string, any> }[]> {
  return (await callApi(emulator, 'GET', '/connections')).body as any;
}

/** The ids the state holds, read from the state itself (outputs are not written by a failed apply). */
async function stateIds(ws: Workspace): Promise<string[]> {
  const shown = JSON.parse(ws.expectOk(await ws.tofu('show', '-json')).stdout) as {
    values?: { root_module?: { resources?: { type: string; values: { id: string } }[] } };
  };
  return (shown.values?.root_module?.resources ?? [])
    .filter((r) => r.type === 'iotflow_connection')
    .map((r) => r.values.id);
}

/** Every way a secret can be echoed: raw, JSON-escaped, URL-encoded, base64. */
const forms = (secret: string) => [
  secret,
  JSON.stringify(secret).slice(1, -1),
  encodeURIComponent(secret),
  Buffer.from(secret).toString('base64'),
];

/** Runs `act` on the first create only. */
function onFirstCreate(act: (call: ProxiedCall) => ReturnType<NonNullable<HostileProxy['behaviour']>>) {
  let done = false;
  return (call: ProxiedCall) => {
    if (done || !isCreate(call)) return undefined;
    done = true;
    return act(call);
  };
}

describe.each(engineBinaries())('on %s', (binary) => {
  describe('redirects are never followed', () => {
    test('a 307 on the create fails the apply naming the target, and nothing reaches it or is created', async () => {
      const ws = workspace(binary);
      proxy.behaviour = (call) =>
        isCreate(call)
          ? { status: 307, headers: { location: `${sink.url}${call.path}?sig=abc` } }
          : undefined;
      const output = await failed(ws.tofu('apply', '-auto-approve', '-input=false'));
      expect(output).toContain('The IoT Flow API answered with a redirect');
      expect(output).toContain(`307 Temporary Redirect, a redirect to ${sink.url}`);
      expect(output).not.toContain('sig=abc');
      expect(sink.calls).toEqual([]);
      expect(await tenant()).toEqual([]);
    });

    test('a 302 on the token endpoint fails the plan, and the client secret never reaches the target', async () => {
      const ws = workspace(binary);
      proxy.behaviour = (call) =>
        call.path.endsWith('/token')
          ? { status: 302, headers: { location: `${sink.url}/token` } }
          : undefined;
      const output = await failed(ws.plan());
      expect(output).toContain('The IoT Flow API answered with a redirect');
      expect(output).toContain('OAuth2 token request');
      expect(output).toContain(`a redirect to ${sink.url}`);
      expect(sink.calls).toEqual([]);
    });
  });

  test('a 400 quoting the request never prints the signing key, in any form', async () => {
    const ws = workspace(binary);
    const key = ws.vars.qubitro_webhook_signing_key;
    proxy.behaviour = (call) =>
      isCreate(call)
        ? {
            status: 400,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              message: `invalid request: ${call.body.toString()} (key ${encodeURIComponent(key)}, ${Buffer.from(key).toString('base64')})`,
            }),
          }
        : undefined;
    const output = await failed(ws.tofu('apply', '-auto-approve', '-input=false'));
    expect(output).toContain('HTTP 400 Bad Request');
    expect(output).toContain('(redacted)');
    for (const form of forms(key)) expect(output).not.toContain(form);
  });

  test('a read answered about another connection fails the plan, and the state keeps its ids', async () => {
    const ws = workspace(binary, ['Farm uplinks', 'Barn uplinks']);
    await ws.apply();
    const before = await ws.connectionIds();
    const [mine, theirs] = [before.Conn1, before.Conn2];
    proxy.behaviour = async (call) => {
      if (call.method !== 'GET' || !call.path.endsWith(`/connections/${mine}`)) return undefined;
      return callApi(emulator, 'GET', `/connections/${theirs}`).then((r) => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(r.body),
      }));
    };
    const output = await failed(ws.plan());
    expect(output).toContain('The IoT Flow API answered about another connection');
    expect(output).toContain(`instead of ${mine}`);
    proxy.behaviour = undefined;
    expect(await ws.connectionIds()).toEqual(before);
    expect((await ws.plan()).code).toBe(0);
  });

  test('a create the server commits after answering 504 is found, not repeated: one connection, a clean re-plan', async () => {
    const ws = workspace(binary);
    let committed: Promise<unknown> = Promise.resolve();
    proxy.behaviour = onFirstCreate((call) => {
      committed = new Promise((resolve) => setTimeout(resolve, 3_000)).then(() => call.forward());
      return { status: 504 };
    });
    const result = ws.expectOk(await ws.tofu('apply', '-auto-approve', '-input=false'));
    await committed;
    expect(text(result)).toContain('Connection recovered after a lost answer');
    const stored = await tenant();
    expect(stored).toHaveLength(1);
    expect(connectionCalls(emulator).filter((r) => r.method === 'POST' && r.status === 201)).toHaveLength(1);
    expect(await ws.connectionIds()).toEqual({ Conn1: stored[0].id });
    expect((await ws.plan()).code).toBe(0);
  });

  test('a create answered 502 that the server never stored is not re-sent: the apply says so, the next one creates it', async () => {
    // The commit window is timeoutSeconds, at least 5 s.
    const ws = workspace(binary, ['Farm uplinks'], 5);
    proxy.behaviour = onFirstCreate(() => ({ status: 502 }));
    const output = await failed(ws.tofu('apply', '-auto-approve', '-input=false'));
    expect(output).toContain('The outcome of a create is unknown');
    expect(output).toContain('not re-sent');
    expect(output).toContain('no new connection named "Farm uplinks" appeared');
    expect(connectionCalls(emulator).filter((r) => r.method === 'POST')).toEqual([]);
    await ws.apply();
    expect(await tenant()).toHaveLength(1);
  });

  describe('errors name the failing step and the fix, as the README table shows', () => {
    test('nothing listening fails at once, naming the token URL and asking whether the emulator runs', async () => {
      const ws = workspace(binary);
      await ws.init();
      await proxy.close();
      const started = Date.now();
      const output = await failed(ws.plan());
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(output).toContain('Cannot get an access token');
      expect(output).toContain(proxy.tokenUrl);
      expect(output).toContain('is the emulator running?');
    });

    test('a wrong client secret names the token URL, the client id and the variable to fix', async () => {
      const ws = workspace(binary);
      ws.vars.thingpark_client_secret = 'wrong-secret-5f4e3d2c1b';
      const output = await failed(ws.plan());
      expect(output).toContain('Cannot get an access token');
      expect(output).toContain(`The token endpoint ${proxy.tokenUrl} refused client id`);
      expect(output).toContain('TF_VAR_thingpark_client_secret');
      expect(output).not.toContain('wrong-secret-5f4e3d2c1b');
    });
  });

  describe('the same name created by another stack at the same time', () => {
    /** Another stack's create of the same name lands while this one's is under way. */
    async function twinOf(call: ProxiedCall, projectId: string): Promise<string> {
      const body = JSON.parse(call.body.toString()) as { configuration: { headers: Record<string, string> } };
      body.configuration.headers.projectId = projectId;
      return (await callApi(emulator, 'POST', '/connections', body)).body!.id as string;
    }

    test('the apply fails naming both ids, and the state holds only its own', async () => {
      const ws = workspace(binary);
      let twin = '';
      proxy.behaviour = onFirstCreate(async (call) => {
        twin = await twinOf(call, PROJECT);
        return undefined;
      });
      const output = await failed(ws.tofu('apply', '-auto-approve', '-input=false'));
      const [mine] = await stateIds(ws);
      expect(output).toContain('Another connection with the same name appeared');
      expect(output).toContain(`created with id ${mine}`);
      expect(output).toContain(`id ${twin}`);
      expect(mine).not.toBe(twin);
      expect((await tenant()).map((c) => c.id).sort()).toEqual([mine, twin].sort());
    });

    test('with a 502 on this side, it takes the connection its own POST made, never the other one', async () => {
      const ws = workspace(binary);
      let twin = '';
      proxy.behaviour = onFirstCreate(async (call) => {
        twin = await twinOf(call, OTHER_PROJECT);
        await call.forward();
        return { status: 502 };
      });
      const output = await failed(ws.tofu('apply', '-auto-approve', '-input=false'));
      const [mine] = await stateIds(ws);
      expect(output).toContain('Another connection with the same name appeared');
      expect(mine).not.toBe(twin);
      const stored = await tenant();
      expect(stored.find((c) => c.id === mine)!.configuration.headers.projectId).toBe(PROJECT);
    });
  });
});

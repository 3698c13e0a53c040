import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface CallOptions {
  token?: string;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(method: string, url: string, init: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export async function requestToken(
  emulator: RunningEmulator,
  clientId = DEFAULT_CLIENT_ID,
  clientSecret = DEFAULT_CLIENT_SECRET,
): Promise<ApiResponse> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  return call('POST', emulator.tokenUrl, {
    body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/** A running emulator plus a valid token and a caller for paths under the `/iot-flow/v1` prefix. */
export interface TestEmulator {
  emulator: RunningEmulator;
  token: string;
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  control(method: string, path: string, body?: unknown): Promise<ApiResponse>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator(options);
  const token = await emulator.accessToken();
  return {
    emulator,
    token,
    api: (method, path, body) => call(method, `${emulator.baseUrl}${path}`, { token, body }),
    control: (method, path, body) => call(method, `${emulator.url}/__emulator${path}`, { body }),
  };
}

/**
 * A fresh emulator for each test of the enclosing `describe`, closed after it:
 * `const t = useEmulator({ settleMs: 0 })`, then `t.api(...)` inside the tests.
 */
export function useEmulator(options: EmulatorOptions = {}): TestEmulator {
  let current: TestEmulator | undefined;
  beforeEach(async () => {
    current = await startTestEmulator(options);
  });
  afterEach(async () => {
    await current?.emulator.close();
    current = undefined;
  });
  const started = (): TestEmulator => {
    if (current === undefined) throw new Error('useEmulator: the emulator runs only inside a test');
    return current;
  };
  return {
    get emulator() {
      return started().emulator;
    },
    get token() {
      return started().token;
    },
    api: (method, path, body) => started().api(method, path, body),
    control: (method, path, body) => started().control(method, path, body),
  };
}

export function httpConnection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'plain-http',
    connectorId: 'actility-http',
    configuration: { destinationURL: 'https://example.com/uplinks', headers: {} },
    ...overrides,
  };
}

export const PROJECT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
export const SIGNING_KEY = 'qubitro-signing-key-do-not-leak';

export function qubitroConnection(headers: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'to-qubitro',
    connectorId: 'actility-qubitro',
    brand: 'QUBITRO',
    configuration: {
      destinationURL: 'https://webhook.qubitro.com/integrations/lorawan',
      headers: { projectId: PROJECT_ID, webhookSigningKey: SIGNING_KEY, ...headers },
    },
  };
}

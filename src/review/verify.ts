/**
 * `qubitro-verify`: did each Qubitro connection of a synthesized app really deliver? For each one: the IoT Flow
 * connection is OPENED (read through the API with the stack's own credentials, from TF_VAR_*); with
 * QUBITRO_API_KEY, the Qubitro project exists and the key may see it; with `uplink`, a test uplink sent through
 * the IoT Flow emulator reaches the project and is accepted by its key; with `device`, that device's
 * `last_seen` in the project is recent. No secret is ever part of the result.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyCredentialMissing } from '../errors';
import { CONNECTION_RESOURCE, PROVIDER_NAME, QUBITRO_BRAND, defaultTokenUrl } from '../wire-format';
import { readTenant, type TenantConnection } from '../import/tenant';
import { isLoopbackHost } from '../loopback';
import { readJsonFile } from './json-file';
import {
  connectionBodyOf,
  constructId,
  iotflowProviders,
  readSynthesizedStacks,
  synthesizedSecrets,
  tfVarOf,
  type Json,
  type SynthesizedStack,
} from './synthesized';

export const DEFAULT_QUBITRO_API_URL = 'https://api.qubitro.com';
/** The IoT Flow emulator's control-plane call that sends a simulated uplink (not part of the real API). */
const EMULATOR_UPLINKS = '/__emulator/uplinks';
const CALL_TIMEOUT_MS = 15_000;

export type CheckName = 'IoT Flow' | 'Qubitro project' | 'uplink' | 'device';

export interface Check {
  readonly name: CheckName;
  /** `undefined`: not checked (see `detail`). */
  readonly ok?: boolean;
  readonly detail: string;
  /** What to do when `ok` is false. */
  readonly fix?: string;
}

export type Verdict =
  'delivered' | 'not delivered' | 'reachable, delivery not checked' | 'inactive (active: false)';

export interface VerifiedConnection {
  readonly stack: string;
  /** The construct id in the stack, e.g. `Uplinks`. */
  readonly id: string;
  readonly name?: string;
  readonly projectId?: string;
  /** The IoT Flow connection id, once known. */
  readonly connectionId?: string;
  readonly checks: readonly Check[];
  readonly verdict: Verdict;
}

export interface Verification {
  readonly connections: readonly VerifiedConnection[];
}

export interface VerifyOptions {
  /** The synthesized app (`cdktf.out`). */
  readonly out: string;
  /** Where TF_VAR_*, QUBITRO_API_KEY and QUBITRO_API_URL are read. */
  readonly env: NodeJS.ProcessEnv;
  /** Send a test uplink through each connection (the IoT Flow emulator only). */
  readonly uplink?: boolean;
  /** A DevEUI whose `last_seen` in each project must be within `withinMs`. */
  readonly device?: string;
  readonly withinMs?: number;
}

/** The result and every secret value it was made with, for the renderer to scrub. */
export interface VerifyRun {
  readonly verification: Verification;
  readonly secrets: readonly string[];
}

interface Endpoint {
  readonly baseUrl: string;
  /** Resolves a bearer token for the IoT Flow API. */
  token(): Promise<string>;
  /** Every connection of the endpoint (client credentials only), to find one the state does not name. */
  list?(): Promise<TenantConnection[]>;
}

/** Attempts of a read refused by a rate limit (503 without `Retry-After` from NGINX, or 429 with it). */
const READ_ATTEMPTS = 6;

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  let res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CALL_TIMEOUT_MS), ...init });
  // Reads only: a write is never repeated.
  for (
    let attempt = 1;
    attempt < READ_ATTEMPTS && !init.method && [429, 503].includes(res.status);
    attempt++
  ) {
    await res.body?.cancel();
    const retryAfter = Number(res.headers.get('retry-after'));
    await sleep(retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : 250 * 2 ** attempt);
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CALL_TIMEOUT_MS), ...init });
  }
  const text = await res.text();
  let body: Json;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/** `${var.name}` → the variable's value from TF_VAR_name, as the stacks get it; a literal as it is. */
function variableValue(value: unknown, env: NodeJS.ProcessEnv, stack: string, attribute: string): string {
  const variable = tfVarOf(value);
  if (variable === undefined) {
    if (typeof value === 'string' && value !== '') return value;
    throw verifyCredentialMissing(stack, attribute, undefined);
  }
  const fromEnv = env[variable];
  if (!fromEnv) throw verifyCredentialMissing(stack, attribute, variable);
  return fromEnv;
}

/** The iotflow provider blocks of a stack by reference (`iotflow.alias`), each with its credentials. */
function endpoints(
  stack: SynthesizedStack,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): Map<string, Endpoint> {
  const blocks = iotflowProviders(stack.tf);
  /** A secret value, remembered so that the report is scrubbed of it. */
  const secret = (value: string): string => (secrets.push(value), value);
  return new Map(
    blocks.map((p) => {
      const baseUrl = String(p.base_url).replace(/\/+$/, '');
      let cached: Promise<string> | undefined;
      const token = async (): Promise<string> => {
        if (p.bearer_token !== undefined) {
          return secret(variableValue(p.bearer_token, env, stack.name, 'bearer_token'));
        }
        const clientSecret = secret(variableValue(p.client_secret, env, stack.name, 'client_secret'));
        const tokenUrl = p.token_url ?? defaultTokenUrl(baseUrl);
        const res = await call(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: p.client_id,
            client_secret: clientSecret,
          }),
        });
        if (res.status !== 200 || typeof res.body?.access_token !== 'string') {
          throw new Error(
            `the token endpoint ${tokenUrl} answered ${res.status}: check client_id and the client secret`,
          );
        }
        return secret(res.body.access_token);
      };
      const ref = p.alias ? `${PROVIDER_NAME}.${p.alias}` : PROVIDER_NAME;
      let listed: Promise<TenantConnection[]> | undefined;
      const list = () =>
        (listed ??= readTenant({
          baseUrl,
          clientId: p.client_id,
          clientSecret: secret(variableValue(p.client_secret, env, stack.name, 'client_secret')),
          tokenUrl: p.token_url,
        }));
      return [ref, { baseUrl, token: () => (cached ??= token()), list: p.client_id ? list : undefined }];
    }),
  );
}

/** The state's connection ids by resource name, from a local backend's state file; empty when there is none. */
function stateIds(outDir: string, stack: SynthesizedStack): Map<string, string> {
  const stackDir = path.join(outDir, 'stacks', stack.name);
  const local = stack.tf.terraform?.backend?.local;
  if (stack.tf.terraform?.backend !== undefined && local === undefined) return new Map();
  const file = path.resolve(stackDir, local?.path ?? 'terraform.tfstate');
  if (!fs.existsSync(file)) return new Map();
  const state = readJsonFile(file, 'the state file is not JSON') as Json;
  return new Map(
    ((state?.resources ?? []) as Json[])
      .filter((r) => r.type === CONNECTION_RESOURCE && r.mode === 'managed')
      .map((r) => [r.name as string, r.instances?.[0]?.attributes?.id as string]),
  );
}

/** What to do about a connection that is not OPENED, by state. */
const STATE_FIXES: Record<string, string> = {
  CLOSED:
    'IoT Flow cannot reach the destination or gave up (reconnectStrategy): check destinationURL, then restart the connection (deploy with active: false, then true)',
  DEACTIVATED: 'the connection is inactive: set active: true and deploy',
  AUTHENTICATION_FAILED: "the destination refused IoT Flow's credentials: check the connection's headers",
  UNREACHABLE: 'IoT Flow cannot reach the destination: check destinationURL and the network',
  OPENING: 'the connection is still starting: run qubitro-verify again in a minute',
  AUTHENTICATING: 'the connection is still starting: run qubitro-verify again in a minute',
  CLOSING: 'the connection is stopping: look at its events in the ThingPark UI',
};

function parseDuration(ms: number): string {
  return ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
      ? `${ms / 60_000}m`
      : `${ms / 1000}s`;
}

interface Target {
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  readonly resource: Json;
  readonly body: Json;
}

/**
 * The id of the one Qubitro connection of that name and project on the endpoint, for a stack whose state is
 * not a local file (a remote backend, `--config`): undefined when there is none, or several.
 */
async function findByName(
  endpoint: Endpoint | undefined,
  name: unknown,
  projectId: string | undefined,
): Promise<string | undefined> {
  if (endpoint?.list === undefined) return undefined;
  const matches = (await endpoint.list()).filter(
    (c) =>
      c.name === name &&
      c.brand === QUBITRO_BRAND &&
      (c.configuration?.headers as Record<string, unknown> | undefined)?.projectId === projectId,
  );
  return matches.length === 1 ? matches[0].id : undefined;
}

/** Reads the IoT Flow connection: OPENED, or why not. */
async function iotFlowCheck(
  target: Target,
  endpoint: Endpoint | undefined,
  id: string | undefined,
): Promise<Check> {
  const stackName = target.stack.name;
  if (endpoint === undefined) {
    return {
      name: 'IoT Flow',
      ok: false,
      detail: 'no iotflow provider for this connection',
      fix: 'synthesize the app again',
    };
  }
  if (id === undefined) {
    return {
      name: 'IoT Flow',
      ok: false,
      detail:
        'not deployed: no connection id in the stack state, and not exactly one connection of this name and project on the endpoint',
      fix: `deploy the stack (cdktf deploy ${stackName}); if several connections share this name, rename or remove the extra ones`,
    };
  }
  const res = await call(`${endpoint.baseUrl}/connections/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${await endpoint.token()}` },
  });
  if (res.status === 404) {
    return {
      name: 'IoT Flow',
      ok: false,
      detail: `connection ${id} not found on ${endpoint.baseUrl}`,
      fix: `it was removed outside the stack: deploy ${stackName} again`,
    };
  }
  if (res.status !== 200) throw new Error(`GET ${endpoint.baseUrl}/connections/${id} answered ${res.status}`);
  const state = String(res.body?.state);
  if (state === 'OPENED') return { name: 'IoT Flow', ok: true, detail: `connection ${id} is OPENED` };
  return {
    name: 'IoT Flow',
    ok: false,
    detail: `connection ${id} is ${state}`,
    fix: STATE_FIXES[state] ?? 'look at the connection in the ThingPark UI',
  };
}

interface QubitroApi {
  readonly apiUrl: string;
  readonly apiKey?: string;
}

async function qubitroGet(q: QubitroApi, subpath: string): Promise<{ status: number; body: Json }> {
  return call(`${q.apiUrl}/v2/projects/${subpath}`, { headers: { authorization: `Bearer ${q.apiKey}` } });
}

/** The test uplink's fate, from the IoT Flow emulator's delivery record. */
async function uplinkCheck(
  endpoint: Endpoint,
  connectionId: string,
  devEui: string,
  signingKeySource: string,
): Promise<{ check: Check; accepted?: boolean; unknownProject?: boolean }> {
  const url = `${new URL(endpoint.baseUrl).origin}${EMULATOR_UPLINKS}`;
  const res = await call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ DevEUI: devEui, payload: '00', connection: connectionId }),
  });
  if (res.status !== 200 || !Array.isArray(res.body)) {
    throw new Error(
      `--uplink needs the IoT Flow emulator (POST ${url} answered ${res.status}); against a real tenant use --device <DevEUI> --within 15m`,
    );
  }
  const delivery = res.body[0] as { status?: number; error?: string } | undefined;
  const status = delivery?.status;
  if (status === undefined) {
    return {
      check: {
        name: 'uplink',
        ok: false,
        detail: `not sent: ${delivery?.error ?? 'no delivery'}`,
        fix: 'see the IoT Flow check',
      },
    };
  }
  if (status >= 200 && status < 300) {
    return {
      check: { name: 'uplink', ok: true, detail: `test uplink ${devEui} accepted by Qubitro (${status})` },
      accepted: true,
    };
  }
  if (status === 404) {
    return {
      check: {
        name: 'uplink',
        ok: false,
        detail: `rejected by Qubitro (project not found, ${status})`,
        fix: 'the projectId is no Qubitro project: copy it from the Qubitro portal (project → new source → Actility) and deploy',
      },
      unknownProject: true,
    };
  }
  if (status === 401 || status === 403) {
    return {
      check: {
        name: 'uplink',
        ok: false,
        detail: `rejected by Qubitro (key, ${status}) while IoT Flow says OPENED`,
        fix: `the webhook signing key differs from the project's: copy it from the Qubitro portal into ${signingKeySource} and deploy`,
      },
    };
  }
  return {
    check: {
      name: 'uplink',
      ok: false,
      detail: `Qubitro answered ${status}`,
      fix: 'look at the project in the Qubitro portal',
    },
  };
}

/** Runs the checks; rejects (exit 1) on what it cannot check: an unreadable app, a missing credential. */
export async function verify(options: VerifyOptions): Promise<VerifyRun> {
  const secrets: string[] = [];
  const stacks = readSynthesizedStacks(options.out);
  stacks.forEach((s) => secrets.push(...synthesizedSecrets(s.tf)));
  const apiKey = options.env.QUBITRO_API_KEY || undefined;
  if (apiKey !== undefined) secrets.push(apiKey);
  const qubitro: QubitroApi = {
    apiUrl: (options.env.QUBITRO_API_URL || DEFAULT_QUBITRO_API_URL).replace(/\/+$/, ''),
    apiKey,
  };
  const api = new URL(qubitro.apiUrl);
  // The API key goes there: in clear text only to this machine.
  if (api.protocol !== 'https:' && !(api.protocol === 'http:' && isLoopbackHost(api.hostname))) {
    throw new Error(`QUBITRO_API_URL must be an https URL (or http on this machine), not ${api.origin}`);
  }
  if (options.device !== undefined && apiKey === undefined) {
    throw verifyCredentialMissing('(all)', '--device', 'QUBITRO_API_KEY');
  }
  const testEui = randomBytes(8).toString('hex').toUpperCase();
  const connections: VerifiedConnection[] = [];
  for (const stack of stacks) {
    const providers = endpoints(stack, options.env, secrets);
    for (const { baseUrl } of providers.values()) {
      const host = new URL(baseUrl).hostname;
      // Only the emulator has the uplink call: a real tenant is never sent a request it does not document.
      if (options.uplink && !isLoopbackHost(host)) {
        throw new Error(
          `--uplink needs the IoT Flow emulator on this machine (stack ${stack.name} uses ${host}); against a real tenant use --device <DevEUI> --within 15m`,
        );
      }
    }
    const ids = stateIds(options.out, stack);
    const resources = Object.entries(
      (stack.tf.resource?.[CONNECTION_RESOURCE] ?? {}) as Record<string, Json>,
    );
    for (const [logicalId, resource] of resources) {
      if (resource.brand !== QUBITRO_BRAND) continue;
      const target: Target = { stack, logicalId, resource, body: connectionBodyOf(resource) };
      connections.push(
        await verifyConnection(target, providers, ids.get(logicalId), qubitro, options, testEui),
      );
    }
  }
  return { verification: { connections }, secrets };
}

async function verifyConnection(
  target: Target,
  providers: Map<string, Endpoint>,
  stateId: string | undefined,
  qubitro: QubitroApi,
  options: VerifyOptions,
  testEui: string,
): Promise<VerifiedConnection> {
  const projectId: string | undefined = target.body?.configuration?.headers?.projectId;
  const about = {
    stack: target.stack.name,
    id: constructId(target.resource['//']?.metadata?.path, target.logicalId),
    name: target.body?.name,
    projectId,
  };
  // Switched off on purpose: nothing to deliver, nothing to fix.
  if (target.resource.active === false) {
    return { ...about, connectionId: stateId, checks: [], verdict: 'inactive (active: false)' };
  }
  const providerRef = String(target.resource.provider ?? PROVIDER_NAME).replace(/^\$\{(.*)\}$/, '$1');
  const endpoint = providers.get(providerRef);
  const connectionId = stateId ?? (await findByName(endpoint, target.body?.name, projectId));
  const checks: Check[] = [await iotFlowCheck(target, endpoint, connectionId)];
  const opened = checks[0].ok === true;

  const keyValue = target.resource.secrets_wo?.['headers.webhookSigningKey'];
  const keySource = /\$\{var\.([A-Za-z0-9_-]+)\}/.exec(String(keyValue ?? ''))?.[1];
  let uplink: Awaited<ReturnType<typeof uplinkCheck>> | undefined;
  if (options.uplink && opened && endpoint !== undefined && connectionId !== undefined) {
    uplink = await uplinkCheck(
      endpoint,
      connectionId,
      testEui,
      keySource ? `TF_VAR_${keySource}` : 'the signing key variable',
    );
  }

  if (qubitro.apiKey === undefined) {
    checks.push({
      name: 'Qubitro project',
      detail: 'not checked: set QUBITRO_API_KEY (a QB_… key of the Qubitro portal)',
    });
  } else if (projectId !== undefined) {
    checks.push(await projectCheck(qubitro, projectId, uplink));
  }
  if (uplink !== undefined) checks.push(uplink.check);
  if (uplink?.accepted && qubitro.apiKey !== undefined && projectId !== undefined && checks[1].ok) {
    checks.push(await deviceCheck(qubitro, projectId, testEui, 60_000, 'test uplink'));
  }
  if (options.device !== undefined && projectId !== undefined) {
    checks.push(
      await deviceCheck(
        qubitro,
        projectId,
        options.device.toUpperCase(),
        options.withinMs ?? 15 * 60_000,
        'device',
      ),
    );
  }

  const failed = checks.some((c) => c.ok === false);
  const proven = checks.some((c) => (c.name === 'device' || c.name === 'uplink') && c.ok === true);
  return {
    ...about,
    connectionId,
    checks,
    verdict: failed ? 'not delivered' : proven ? 'delivered' : 'reachable, delivery not checked',
  };
}

/** The project through the REST API; a 404 explained with what the uplink proved, else both readings. */
async function projectCheck(
  q: QubitroApi,
  projectId: string,
  uplink: { accepted?: boolean; unknownProject?: boolean } | undefined,
): Promise<Check> {
  const res = await qubitroGet(q, encodeURIComponent(projectId));
  if (res.status === 200) {
    return {
      name: 'Qubitro project',
      ok: true,
      detail: `project ${JSON.stringify(res.body?.name ?? projectId)} exists, visible to this key`,
    };
  }
  if (res.status === 401 || res.status === 403) {
    return {
      name: 'Qubitro project',
      ok: false,
      detail: `QUBITRO_API_KEY refused (${res.status})`,
      fix: 'use a valid, unexpired QB_… key',
    };
  }
  if (res.status !== 404) throw new Error(`GET ${q.apiUrl}/v2/projects/${projectId} answered ${res.status}`);
  if (uplink?.accepted) {
    return {
      name: 'Qubitro project',
      ok: false,
      detail: 'not visible to this key (the project exists: it accepted the test uplink)',
      fix: 'QUBITRO_API_KEY is limited to other projects: add this project to its scope, or use a key that may see it',
    };
  }
  if (uplink?.unknownProject) {
    return {
      name: 'Qubitro project',
      ok: false,
      detail: 'not found (Qubitro knows no such project)',
      fix: 'the projectId is wrong: copy it from the Qubitro portal (project → new source → Actility) and deploy',
    };
  }
  return {
    name: 'Qubitro project',
    ok: false,
    detail:
      'not found, or not visible to this key (Qubitro answers 404 "not found or access denied" for both)',
    fix: 'check the projectId in the Qubitro portal, and that QUBITRO_API_KEY may see this project',
  };
}

async function deviceCheck(
  q: QubitroApi,
  projectId: string,
  devEui: string,
  withinMs: number,
  what: string,
): Promise<Check> {
  const res = await qubitroGet(q, `${encodeURIComponent(projectId)}/devices`);
  if (res.status !== 200 || !Array.isArray(res.body)) {
    return {
      name: 'device',
      ok: false,
      detail: `the project's devices could not be read (${res.status})`,
      fix: 'see the Qubitro project check',
    };
  }
  const device = (res.body as Json[]).find((d) => String(d.id).toUpperCase() === devEui);
  const within = parseDuration(withinMs);
  if (device === undefined) {
    return {
      name: 'device',
      ok: false,
      detail: `${what} ${devEui} never seen in the project`,
      fix: 'check the flow routing this device to the connection in IoT Flow, and the device id in Qubitro',
    };
  }
  const age = Date.now() - Date.parse(String(device.last_seen));
  if (!(age <= withinMs)) {
    return {
      name: 'device',
      ok: false,
      detail: `${what} ${devEui} last seen ${String(device.last_seen)}, more than ${within} ago`,
      fix: 'nothing arrived lately: check the signing key and projectId, and that the device sends',
    };
  }
  return {
    name: 'device',
    ok: true,
    detail: `${what} ${devEui} seen in the project within ${within} (last_seen ${String(device.last_seen)})`,
  };
}

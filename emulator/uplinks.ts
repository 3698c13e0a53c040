/**
 * Simulated uplinks: what IoT Flow does with a device's message once a connection is OPENED. A control-plane
 * call (`POST /__emulator/uplinks`) builds an Actility `DevEUI_uplink` and POSTs it to each connection's
 * `destinationURL` with the connection's headers (their real values: the store keeps them, reads mask them).
 * The emulator never sends to the internet: a destination host reaches a local receiver only through a route
 * (`--route webhook.qubitro.com=http://127.0.0.1:8788`), which replaces the origin of the request, never the
 * user's URL; a loopback destination is sent as it is. Each delivery's outcome is kept per connection.
 */
import { isLoopbackHost } from '../src/loopback';
import { connectionNotFound, errorReply, type Reply } from './http';
import { isPlainObject, parseJson } from './json';
import type { Connection, ConnectionStore } from './store';

/** Deliveries kept per connection (oldest dropped first). */
export const MAX_DELIVERIES_PER_CONNECTION = 100;
/** How long a destination may take to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_ROUTES = 100;

export interface Delivery {
  connectionId: string;
  DevEUI: string;
  /** When the uplink was sent (or found undeliverable). */
  at: string;
  /** The destination's HTTP status; absent when nothing was answered. */
  status?: number;
  /** Why nothing was sent or answered: the connection's state, no route, a network error. */
  error?: string;
}

export interface UplinkRequest {
  DevEUI: string;
  /** Hex payload. Default `"00"`. */
  payload: string;
  /** The uplink's `Time`. Default: now. */
  time?: string;
  /** A connection id; absent = every OPENED connection. */
  connection?: string;
}

/**
 * `host → origin`, checked: each host a name (optionally with `:port`), each target an `http(s)://` origin.
 * Throws a message naming the bad entry.
 */
export function resolveRoutes(routes: Record<string, string> | undefined): Map<string, string> {
  const entries = Object.entries(routes ?? {});
  if (entries.length > MAX_ROUTES) throw new Error(`at most ${MAX_ROUTES} routes`);
  return new Map(
    entries.map(([host, target]) => {
      if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) throw new Error(`"${host}" is not a host name`);
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        throw new Error(`${host}=${target}: the target must be an http(s)://host:port URL`);
      }
      if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.username) {
        throw new Error(`${host}=${target}: the target must be an http(s)://host:port URL without a path`);
      }
      return [host.toLowerCase(), url.origin];
    }),
  );
}

/** `--route host=url`, as the CLI takes it. */
export function parseRouteFlag(raw: string): [string, string] {
  const at = raw.indexOf('=');
  if (at <= 0) throw new Error(`--route must be HOST=URL (got "${raw}")`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}

function parseUplinkRequest(body: Buffer): UplinkRequest | string {
  const usage =
    'body must be {"DevEUI": 16 hex digits, "payload"?: hex, "time"?: ISO date, "connection"?: id}';
  const json = parseJson(body);
  if (!json.ok) return json.message;
  const v = json.value;
  if (
    !isPlainObject(v) ||
    Object.keys(v).some((k) => !['DevEUI', 'payload', 'time', 'connection'].includes(k))
  ) {
    return usage;
  }
  const valid =
    typeof v.DevEUI === 'string' &&
    /^[0-9A-Fa-f]{16}$/.test(v.DevEUI) &&
    (v.payload === undefined ||
      (typeof v.payload === 'string' && /^([0-9A-Fa-f]{2}){0,242}$/.test(v.payload))) &&
    (v.time === undefined || (typeof v.time === 'string' && !Number.isNaN(Date.parse(v.time)))) &&
    (v.connection === undefined || (typeof v.connection === 'string' && v.connection !== ''));
  if (!valid) return usage;
  return {
    DevEUI: (v.DevEUI as string).toUpperCase(),
    payload: (v.payload as string | undefined) ?? '00',
    time: v.time as string | undefined,
    connection: v.connection as string | undefined,
  };
}

export class UplinkSender {
  private deliveries = new Map<string, Delivery[]>();
  private fCnt = 0;

  constructor(
    private readonly store: ConnectionStore,
    private readonly routes: ReadonlyMap<string, string>,
    private readonly signal: AbortSignal,
  ) {}

  /** The deliveries of one connection, or of all, oldest first. */
  list(connectionId?: string): Delivery[] {
    if (connectionId !== undefined) return [...(this.deliveries.get(connectionId) ?? [])];
    return [...this.deliveries.values()].flat().sort((a, b) => a.at.localeCompare(b.at));
  }

  clear(): void {
    this.deliveries.clear();
  }

  /** `POST /__emulator/uplinks`: 200 with the deliveries made, 404 for an unknown connection. */
  async handle(body: Buffer): Promise<Reply> {
    const request = parseUplinkRequest(body);
    if (typeof request === 'string') return errorReply(400, 'com-4000', request);
    let targets: Connection[];
    if (request.connection !== undefined) {
      const named = this.store.get(request.connection);
      if (named === undefined) return connectionNotFound(request.connection);
      targets = [named];
    } else {
      targets = this.store.list().filter((c) => c.state === 'OPENED');
    }
    const made = await Promise.all(targets.map((c) => this.deliver(c, request)));
    return { status: 200, body: made };
  }

  private record(delivery: Delivery): Delivery {
    const list = this.deliveries.get(delivery.connectionId) ?? [];
    list.push(delivery);
    if (list.length > MAX_DELIVERIES_PER_CONNECTION) list.shift();
    this.deliveries.set(delivery.connectionId, list);
    return delivery;
  }

  private async deliver(connection: Connection, request: UplinkRequest): Promise<Delivery> {
    const base = { connectionId: connection.id, DevEUI: request.DevEUI };
    const at = new Date().toISOString();
    if (connection.state !== 'OPENED') {
      return this.record({
        ...base,
        at,
        error: `the connection is ${connection.state}: IoT Flow sends nothing`,
      });
    }
    const configuration = isPlainObject(connection.configuration) ? connection.configuration : {};
    const target = this.target(configuration.destinationURL);
    if (typeof target !== 'string') return this.record({ ...base, at, error: target.error });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (isPlainObject(configuration.headers)) {
      for (const [name, value] of Object.entries(configuration.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
    }
    const uplink = {
      DevEUI_uplink: {
        Time: request.time ?? at,
        DevEUI: request.DevEUI,
        FPort: 1,
        FCntUp: ++this.fCnt,
        payload_hex: request.payload,
      },
    };
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers,
        body: JSON.stringify(uplink),
        redirect: 'manual',
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
      });
      await res.body?.cancel();
      return this.record({ ...base, at, status: res.status });
    } catch (err) {
      // Only the error's kind: a message could quote the request.
      return this.record({ ...base, at, error: `no answer from the destination (${(err as Error).name})` });
    }
  }

  /** Where the uplink really goes: the route of the destination's host, or a loopback URL as it is. */
  private target(destination: unknown): string | { error: string } {
    let url: URL;
    try {
      url = new URL(String(destination));
    } catch {
      return { error: 'the connection has no valid destinationURL' };
    }
    const route = this.routes.get(url.host.toLowerCase()) ?? this.routes.get(url.hostname.toLowerCase());
    if (route !== undefined) return `${route}${url.pathname}${url.search}`;
    if (isLoopbackHost(url.hostname)) return url.href;
    return {
      error: `no route for ${url.hostname}: the emulator sends nothing to the internet; start it with --route ${url.hostname}=http://127.0.0.1:PORT`,
    };
  }
}

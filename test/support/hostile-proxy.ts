/**
 * A hostile proxy in front of the emulator: it forwards every call unchanged unless the test's behaviour
 * answers it otherwise (a redirect, an echo of the request, an answer about another connection, a commit
 * after the answer...), as a misbehaving API, load balancer or captive portal would. A sink stands for
 * "another origin": whatever reaches it is recorded, and the tests expect nothing to.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../../emulator';

/** One call through the proxy, its body already read. */
export interface ProxiedCall {
  method: string;
  /** The path and query, e.g. `/iot-flow/v1/connections?pageIndex=1`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Sends the call on to the emulator and returns its answer (the client sees nothing of it yet). */
  forward(): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Answers a call itself, or returns undefined to let the emulator answer it. */
export type Behaviour = (call: ProxiedCall) => Promise<Answer | undefined> | Answer | undefined;

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, a: Answer): void {
  res.writeHead(a.status, a.headers);
  res.end(a.body);
}

/** Another origin: it records what reaches it and answers as a server that took it would. */
export class Sink {
  public readonly calls: { method: string; path: string; authorization?: string; body: string }[] = [];
  private readonly server = http.createServer((req, res) => {
    void readBody(req).then((body) => {
      this.calls.push({
        method: req.method!,
        path: req.url!,
        authorization: req.headers.authorization,
        body: body.toString(),
      });
      send(res, { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"9999"}' });
    });
  });
  public url = '';

  public static async start(): Promise<Sink> {
    const sink = new Sink();
    sink.url = await listen(sink.server);
    return sink;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The proxy, usable wherever the emulator is (its URLs point to the proxy; the rest is the emulator's). */
export class HostileProxy implements RunningEmulator {
  /** The behaviour in force; undefined forwards everything. */
  public behaviour: Behaviour | undefined;
  public url = '';
  private readonly server = http.createServer((req, res) => {
    void this.handle(req, res).catch((err: Error) => send(res, { status: 500, body: err.message }));
  });

  private constructor(private readonly emulator: RunningEmulator) {}

  public static async start(emulator: RunningEmulator): Promise<HostileProxy> {
    const proxy = new HostileProxy(emulator);
    proxy.url = await listen(proxy.server);
    return proxy;
  }

  public get baseUrl(): string {
    return this.emulator.baseUrl.replace(this.emulator.url, this.url);
  }

  public get tokenUrl(): string {
    return this.emulator.tokenUrl.replace(this.emulator.url, this.url);
  }

  public accessToken(): Promise<string> {
    return this.emulator.accessToken();
  }

  public requests() {
    return this.emulator.requests();
  }

  public reset(): Promise<void> {
    return this.emulator.reset();
  }

  /** Closes the proxy (the emulator is the test's to close). */
  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const call: ProxiedCall = {
      method: req.method!,
      path: req.url!,
      headers: req.headers,
      body,
      forward: () => this.forward(req, body),
    };
    send(res, (await this.behaviour?.(call)) ?? (await call.forward()));
  }

  private async forward(req: http.IncomingMessage, body: Buffer): Promise<Answer> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers.set(k, v);
    }
    const res = await fetch(`${this.emulator.url}${req.url}`, {
      method: req.method,
      headers,
      body: body.length > 0 ? body : undefined,
      redirect: 'manual',
    });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) out[k] = v;
    });
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  }
}

/** True for the call that creates a connection. */
export const isCreate = (call: ProxiedCall) =>
  call.method === 'POST' && /\/connections$/.test(call.path.split('?')[0]);

/** The Qubitro emulator: the receiving end of a Qubitro connection, and the REST API that shows what arrived. */
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createQubitroServer, WEBHOOK_PATH } from './server';
import {
  parseSeed,
  QubitroStore,
  SeedError,
  type ApiKeySeed,
  type ProjectSeed,
  type ReceivedUplink,
} from './store';

export type { ApiKeySeed, Device, ProjectSeed, ReceivedUplink } from './store';
export { NOT_FOUND_OR_DENIED, QUBITRO_CONTROL_PREFIX, WEBHOOK_PATH } from './server';

export interface QubitroEmulatorOptions {
  /** TCP port; 0 (the default here) picks a free one. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** A JSON file `{"projects": [{id, name?, signingKey}], "apiKeys": [{key, projects?}]}` loaded at start. */
  seedFile?: string;
  /** Projects to start with (after the seed file). */
  projects?: ProjectSeed[];
  /** API keys to start with (after the seed file). */
  apiKeys?: ApiKeySeed[];
}

export interface RunningQubitroEmulator {
  /** `http://HOST:PORT` */
  url: string;
  /** `${url}/integrations/actility`, where a Qubitro connection's uplinks go. */
  webhookUrl: string;
  /** `${url}`: the REST API base (`/v2/...` under it), as `https://api.qubitro.com` is. */
  apiUrl: string;
  /** Creates a project, or rotates its key. */
  putProject(project: ProjectSeed): void;
  putApiKey(key: ApiKeySeed): void;
  /** Every webhook call since the last reset (never a key). */
  uplinks(): ReceivedUplink[];
  reset(): void;
  close(): Promise<void>;
}

/** Starts the emulator; rejects on an unreadable or invalid seed or a port in use. */
export async function startQubitroEmulator(
  options: QubitroEmulatorOptions = {},
): Promise<RunningQubitroEmulator> {
  const store = new QubitroStore();
  if (options.seedFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(options.seedFile, 'utf8');
    } catch (err) {
      throw new Error(
        `cannot read the seed file ${options.seedFile} (${(err as NodeJS.ErrnoException).code})`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // The parser's message quotes the text, which holds signing keys.
      throw new SeedError(`${options.seedFile} is not valid JSON`);
    }
    const seed = parseSeed(value, options.seedFile);
    seed.projects.forEach((p) => store.putProject(p));
    seed.apiKeys.forEach((k) => store.putApiKey(k));
  }
  const seed = parseSeed({ projects: options.projects ?? [], apiKeys: options.apiKeys ?? [] }, 'options');
  seed.projects.forEach((p) => store.putProject(p));
  seed.apiKeys.forEach((k) => store.putApiKey(k));

  const server = createQubitroServer(store);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    apiUrl: url,
    putProject: (project) => store.putProject(parseSeed({ projects: [project] }, 'project').projects[0]),
    putApiKey: (key) => store.putApiKey(parseSeed({ apiKeys: [key] }, 'apiKey').apiKeys[0]),
    uplinks: () => store.uplinks(),
    reset: () => store.clear(),
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
  };
}

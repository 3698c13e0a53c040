import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isPlainObject, type JsonObject } from './json';

export const CONNECTION_STATES = [
  'OPENING',
  'OPENED',
  'CLOSED',
  'AUTHENTICATING',
  'AUTHENTICATION_FAILED',
  'UNREACHABLE',
  'DEACTIVATED',
] as const;

export type ConnectionState = (typeof CONNECTION_STATES)[number];

export interface Connection extends JsonObject {
  id: string;
  active: boolean;
  state: ConnectionState;
  startupTime: string;
}

interface PersistedStore {
  nextId: number;
  connections: Connection[];
}

const FIRST_ID = 1000;

export function isConnectionState(value: unknown): value is ConnectionState {
  return CONNECTION_STATES.includes(value as ConnectionState);
}

const SERVER_FIELDS = ['id', 'state', 'startupTime'];

/** Server-owned fields are ignored in client bodies; `state` follows `active` like the real API. */
function build(id: string, fields: JsonObject, startupTime: string): Connection {
  const rest = { ...fields };
  for (const key of SERVER_FIELDS) delete rest[key];
  const active = rest.active !== false;
  return { id, ...rest, active, state: active ? 'OPENED' : 'DEACTIVATED', startupTime };
}

function isConnection(value: unknown): value is Connection {
  return (
    isPlainObject(value) &&
    typeof value.id === 'string' &&
    typeof value.active === 'boolean' &&
    isConnectionState(value.state) &&
    typeof value.startupTime === 'string'
  );
}

function load(file: string): PersistedStore {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read state file ${file}: ${(err as Error).message}`);
  }
  if (
    !isPlainObject(data) ||
    !Number.isSafeInteger(data.nextId) ||
    !Array.isArray(data.connections) ||
    !data.connections.every(isConnection)
  ) {
    throw new Error(`State file ${file} is not an emulator state file`);
  }
  return data as unknown as PersistedStore;
}

/** Temp file + rename: a crash mid-write never leaves a torn file. 0600 because it holds real secrets. */
function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, { mode: 0o600 });
    renameSync(temp, file);
  } catch (err) {
    throw new Error(`Cannot write state file ${file}: ${(err as Error).message}`);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Connections keyed by id, in creation order. Ids are never reused, not even after a reset, so a stale
 * Terraform state can never silently address a newer connection. All methods are synchronous, which is
 * what makes concurrent creates safe.
 */
export class ConnectionStore {
  private readonly connections = new Map<string, Connection>();
  private nextId = FIRST_ID;

  constructor(private readonly stateFile?: string) {
    if (stateFile === undefined) return;
    if (!existsSync(stateFile)) {
      // Written at once so that an unwritable path fails the start, not the first create.
      this.persist();
      return;
    }
    const persisted = load(stateFile);
    for (const connection of persisted.connections) this.connections.set(connection.id, connection);
    const highest = Math.max(FIRST_ID - 1, ...persisted.connections.map((c) => Number(c.id) || 0));
    this.nextId = Math.max(persisted.nextId, highest + 1);
  }

  get size(): number {
    return this.connections.size;
  }

  list(): Connection[] {
    return [...this.connections.values()];
  }

  get(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  create(fields: JsonObject): Connection {
    const connection = build(String(this.nextId++), fields, new Date().toISOString());
    this.connections.set(connection.id, connection);
    this.persist();
    return connection;
  }

  replace(id: string, fields: JsonObject): Connection | undefined {
    const current = this.connections.get(id);
    if (current === undefined) return undefined;
    const connection = build(id, fields, current.startupTime);
    this.connections.set(id, connection);
    this.persist();
    return connection;
  }

  delete(id: string): boolean {
    const deleted = this.connections.delete(id);
    if (deleted) this.persist();
    return deleted;
  }

  setState(id: string, state: ConnectionState): Connection | undefined {
    const current = this.connections.get(id);
    if (current === undefined) return undefined;
    const connection = { ...current, state };
    this.connections.set(id, connection);
    this.persist();
    return connection;
  }

  clear(): void {
    this.connections.clear();
    this.persist();
  }

  private persist(): void {
    if (this.stateFile === undefined) return;
    const persisted: PersistedStore = { nextId: this.nextId, connections: this.list() };
    writeAtomically(this.stateFile, `${JSON.stringify(persisted, null, 2)}\n`);
  }
}

import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** A stored connection; `active` is there only when the client sent it (reads add the default). */
export interface Connection extends JsonObject {
  id: string;
  active?: boolean;
  state: ConnectionState;
  startupTime: string;
}

interface PersistedStore {
  nextId: number;
  connections: Connection[];
  /** Epoch ms of the last create/replace of each connection still settling (absent: settled). */
  changedAt?: Record<string, number>;
}

interface Entry {
  /** `state` is the state the connection settles in, or the one the control plane forced. */
  connection: Connection;
  /** When the connection was last created or replaced; undefined once the control plane forced a state. */
  changedAt?: number;
}

export interface StoreOptions {
  stateFile?: string;
  /** See `EmulatorOptions.settleMs`. */
  settleMs: number;
  /** True for a connection whose destination the emulator pretends it cannot reach. */
  isUnreachable?: (connection: Connection) => boolean;
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
  const state = rest.active === false ? 'DEACTIVATED' : 'OPENED';
  return { id, ...rest, state, startupTime };
}

function isConnection(value: unknown): value is Connection {
  return (
    isPlainObject(value) &&
    typeof value.id === 'string' &&
    (value.active === undefined || typeof value.active === 'boolean') &&
    isConnectionState(value.state) &&
    typeof value.startupTime === 'string'
  );
}

function byNumericId(a: Connection, b: Connection): number {
  const [x, y] = [Number(a.id), Number(b.id)];
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
    !data.connections.every(isConnection) ||
    (data.changedAt !== undefined && !isPlainObject(data.changedAt))
  ) {
    throw new Error(`State file ${file} is not an emulator state file`);
  }
  const seen = new Set<string>();
  for (const connection of data.connections as Connection[]) {
    if (seen.has(connection.id)) {
      throw new Error(`State file ${file} holds connection id "${connection.id}" more than once`);
    }
    seen.add(connection.id);
  }
  return data as unknown as PersistedStore;
}

/** The file a path finally names, following symlinks (dangling ones too), so writes keep the link. */
function resolveSymlinks(file: string): string {
  let path = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      return path;
    }
    if (!isLink) return path;
    path = resolve(dirname(path), readlinkSync(path));
  }
  throw new Error(`Cannot write state file ${file}: too many levels of symbolic links`);
}

/**
 * Temp file next to the real target + rename over it: a crash mid-write never leaves a torn file, and a
 * symlinked state file stays a symlink. 0600 because it holds real secrets.
 */
function writeAtomically(file: string, content: string): void {
  const target = resolveSymlinks(file);
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, { mode: 0o600 });
    renameSync(temp, target);
  } catch (err) {
    throw new Error(`Cannot write state file ${file}: ${(err as Error).message}`);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Connections keyed by id. Ids are never reused, not even after a reset or a failed write, so a stale
 * Terraform state can never silently address a newer connection. Every change is applied in memory and
 * on disk, or not at all: when the state file cannot be written the change is rolled back and the method
 * throws. All methods are synchronous, which is what makes concurrent creates safe.
 */
export class ConnectionStore {
  private readonly entries = new Map<string, Entry>();
  private nextId = FIRST_ID;
  private readonly stateFile?: string;

  constructor(private readonly options: StoreOptions) {
    this.stateFile = options.stateFile;
    if (this.stateFile === undefined) return;
    if (!existsSync(this.stateFile)) {
      // Written at once so that an unwritable path fails the start, not the first create.
      this.persist();
      return;
    }
    const persisted = load(this.stateFile);
    for (const connection of persisted.connections) {
      const changedAt = persisted.changedAt?.[connection.id];
      this.entries.set(connection.id, {
        connection,
        changedAt: typeof changedAt === 'number' ? changedAt : undefined,
      });
    }
    const highest = Math.max(FIRST_ID - 1, ...persisted.connections.map((c) => Number(c.id) || 0));
    this.nextId = Math.max(persisted.nextId, highest + 1);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every connection as a client reads it now, by id ascending (numerically). */
  list(): Connection[] {
    const now = Date.now();
    return [...this.entries.values()].map((entry) => this.view(entry, now)).sort(byNumericId);
  }

  get(id: string): Connection | undefined {
    const entry = this.entries.get(id);
    return entry === undefined ? undefined : this.view(entry, Date.now());
  }

  create(fields: JsonObject): Connection {
    // The id is used up even if the write below fails: never handing it out again is the safe side.
    const id = String(this.nextId++);
    const entry: Entry = { connection: build(id, fields, new Date().toISOString()), changedAt: Date.now() };
    this.change(id, entry);
    return this.view(entry, entry.changedAt!);
  }

  replace(id: string, fields: JsonObject): Connection | undefined {
    const current = this.entries.get(id);
    if (current === undefined) return undefined;
    const entry: Entry = {
      connection: build(id, fields, current.connection.startupTime),
      changedAt: Date.now(),
    };
    this.change(id, entry);
    return this.view(entry, entry.changedAt!);
  }

  delete(id: string): boolean {
    if (!this.entries.has(id)) return false;
    this.change(id, undefined);
    return true;
  }

  /** Forces a state at once (no settling) until the next replace. */
  setState(id: string, state: ConnectionState): Connection | undefined {
    const current = this.entries.get(id);
    if (current === undefined) return undefined;
    const entry: Entry = { connection: { ...current.connection, state } };
    this.change(id, entry);
    return this.view(entry, Date.now());
  }

  clear(): void {
    const before = [...this.entries];
    this.entries.clear();
    try {
      this.persist();
    } catch (err) {
      for (const [id, entry] of before) this.entries.set(id, entry);
      throw err;
    }
  }

  /** The state a client sees at `now`: CLOSED, then OPENING, then the final state, over `settleMs`. */
  private view(entry: Entry, now: number): Connection {
    const { connection, changedAt } = entry;
    if (changedAt === undefined) return connection;
    let final = connection.state;
    if (final === 'OPENED' && this.options.isUnreachable?.(connection)) final = 'CLOSED';
    const elapsed = now - changedAt;
    const settleMs = this.options.settleMs;
    let state: ConnectionState = final;
    if (elapsed < settleMs) {
      state = final === 'DEACTIVATED' || elapsed < settleMs / 3 ? 'CLOSED' : 'OPENING';
    }
    return state === connection.state ? connection : { ...connection, state };
  }

  /** Sets (or, with `undefined`, deletes) one entry and persists; restores it when the write fails. */
  private change(id: string, entry: Entry | undefined): void {
    const previous = this.entries.get(id);
    if (entry === undefined) this.entries.delete(id);
    else this.entries.set(id, entry);
    try {
      this.persist();
    } catch (err) {
      if (previous === undefined) this.entries.delete(id);
      else this.entries.set(id, previous);
      throw err;
    }
  }

  private persist(): void {
    if (this.stateFile === undefined) return;
    const changedAt: Record<string, number> = {};
    for (const [id, entry] of this.entries)
      if (entry.changedAt !== undefined) changedAt[id] = entry.changedAt;
    const persisted: PersistedStore = {
      nextId: this.nextId,
      connections: [...this.entries.values()].map((entry) => entry.connection).sort(byNumericId),
      changedAt,
    };
    writeAtomically(this.stateFile, `${JSON.stringify(persisted, null, 2)}\n`);
  }
}

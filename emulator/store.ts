import { existsSync } from 'node:fs';
import { isPlainObject, type JsonObject } from './json';
import { readStateFile, writeStateFile } from './state-file';

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

interface Entry {
  /** `state` is the state the connection settles in, or the one the control plane forced. */
  connection: Connection;
  /** When the connection was last created or replaced; undefined once the control plane forced a state. */
  changedAt?: number;
  /** `connection` as JSON, kept for the state file; its UTF-8 size counts against `maxBytes`. */
  json: string;
  bytes: number;
}

export interface StoreOptions {
  stateFile?: string;
  /** See `EmulatorOptions.settleMs`. */
  settleMs: number;
  /** True for a connection whose destination the emulator pretends it cannot reach. */
  isUnreachable?: (connection: Connection) => boolean;
  /** Creates refused past this many connections (the account plan's limit). */
  maxConnections: number;
  /** Creates and replaces refused when the connections' JSON would exceed this many bytes in all. */
  maxBytes: number;
}

/** A change refused because it would take the store past one of its bounds. */
export class StoreLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreLimitError';
  }
}

/** Headroom of a state file over `maxBytes`: ids, timestamps, the file's own syntax. */
const STATE_FILE_OVERHEAD_BYTES = 1024 * 1024;

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

function entryOf(connection: Connection, changedAt: number | undefined): Entry {
  const json = JSON.stringify(connection);
  return { connection, changedAt, json, bytes: Buffer.byteLength(json) };
}

const DONE = Promise.resolve();

/**
 * Connections keyed by id. Ids are never reused, not even after a reset or a failed write, so a stale
 * Terraform state can never silently address a newer connection. A change applies in memory at once, in
 * call order (which keeps concurrent creates safe), and its promise resolves once the state file holds it:
 * an acknowledged change survives a restart, even a crash. Writes are asynchronous, and the changes made
 * while one is in flight are coalesced into the next. When a write fails, every change not yet on disk is
 * rolled back and its promise rejects.
 */
export class ConnectionStore {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  private nextId = FIRST_ID;
  /** The store as the state file last recorded it: what a failed write rolls back to. */
  private durable = { entries: new Map<string, Entry>(), bytes: 0 };
  /** The write the next change joins; undefined once that write has started. */
  private queued?: Promise<void>;
  /** Settles (never rejects) when the last write scheduled has. */
  private writing: Promise<void> = DONE;
  /** Bumped by each failed write: the changes queued behind it were rolled back with it. */
  private epoch = 0;
  private failure?: Error;

  private constructor(private readonly options: StoreOptions) {}

  /** Loads the state file, or creates it at once so that an unwritable path fails the start. */
  static async open(options: StoreOptions): Promise<ConnectionStore> {
    const store = new ConnectionStore(options);
    const file = options.stateFile;
    if (file === undefined) return store;
    if (!existsSync(file)) {
      await store.persist();
      return store;
    }
    const loaded = await readStateFile(file, options.maxBytes + STATE_FILE_OVERHEAD_BYTES);
    if (!loaded.connections.every(isConnection)) {
      throw new Error(`State file ${file} is not an emulator state file`);
    }
    for (const connection of loaded.connections) {
      if (store.entries.has(connection.id)) {
        throw new Error(`State file ${file} holds connection id "${connection.id}" more than once`);
      }
      const changedAt = loaded.changedAt[connection.id];
      store.put(connection.id, entryOf(connection, typeof changedAt === 'number' ? changedAt : undefined));
    }
    const highest = Math.max(FIRST_ID - 1, ...loaded.connections.map((c) => Number(c.id) || 0));
    store.nextId = Math.max(loaded.nextId, highest + 1);
    store.durable = { entries: new Map(store.entries), bytes: store.bytes };
    return store;
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

  async create(fields: JsonObject): Promise<Connection> {
    const max = this.options.maxConnections;
    if (this.entries.size >= max) {
      throw new StoreLimitError(
        `Max connection limit reached (${max} connections allowed by the account plan)`,
      );
    }
    const now = Date.now();
    const id = String(this.nextId);
    const created = entryOf(build(id, fields, new Date(now).toISOString()), now);
    this.checkBytes(created.bytes);
    // The id is used up even if the write fails: never handing it out again is the safe side.
    this.nextId++;
    this.put(id, created);
    await this.persist();
    return this.view(created, now);
  }

  async replace(id: string, fields: JsonObject): Promise<Connection | undefined> {
    const current = this.entries.get(id);
    if (current === undefined) return undefined;
    const now = Date.now();
    const replaced = entryOf(build(id, fields, current.connection.startupTime), now);
    this.checkBytes(replaced.bytes - current.bytes);
    this.put(id, replaced);
    await this.persist();
    return this.view(replaced, now);
  }

  async delete(id: string): Promise<boolean> {
    if (!this.entries.has(id)) return false;
    this.put(id, undefined);
    await this.persist();
    return true;
  }

  /** Forces a state at once (no settling) until the next replace. */
  async setState(id: string, state: ConnectionState): Promise<Connection | undefined> {
    const current = this.entries.get(id);
    if (current === undefined) return undefined;
    const forced = entryOf({ ...current.connection, state }, undefined);
    this.put(id, forced);
    await this.persist();
    return this.view(forced, Date.now());
  }

  async clear(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    await this.persist();
  }

  /** Settles once every change made so far is on disk (or was rolled back). */
  flushed(): Promise<void> {
    return this.writing;
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

  private checkBytes(growth: number): void {
    const max = this.options.maxBytes;
    if (growth > 0 && this.bytes + growth > max) {
      throw new StoreLimitError(
        `Storage limit reached: the connections would take ${this.bytes + growth} bytes, over the ${max} allowed`,
      );
    }
  }

  /** Sets (or, with `undefined`, deletes) one entry in memory. */
  private put(id: string, next: Entry | undefined): void {
    this.bytes -= this.entries.get(id)?.bytes ?? 0;
    if (next === undefined) this.entries.delete(id);
    else {
      this.entries.set(id, next);
      this.bytes += next.bytes;
    }
  }

  /** Joins (or schedules) the next write; resolves when it has recorded every change made so far. */
  private persist(): Promise<void> {
    const file = this.options.stateFile;
    if (file === undefined) return DONE;
    if (this.queued !== undefined) return this.queued;
    const epoch = this.epoch;
    const write: Promise<void> = this.writing.then(async () => {
      if (this.queued === write) this.queued = undefined;
      if (epoch !== this.epoch) throw this.failure;
      const snapshot = { entries: new Map(this.entries), bytes: this.bytes };
      try {
        await writeStateFile(file, { nextId: this.nextId, entries: snapshot.entries });
        this.durable = snapshot;
      } catch (err) {
        this.rollBack(err as Error);
        throw err;
      }
    });
    this.queued = write;
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** Back to what the state file holds; the changes already queued fail with the same error. */
  private rollBack(err: Error): void {
    this.entries = new Map(this.durable.entries);
    this.bytes = this.durable.bytes;
    this.queued = undefined;
    this.epoch++;
    this.failure = err;
  }
}

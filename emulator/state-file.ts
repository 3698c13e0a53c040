import { randomBytes } from 'node:crypto';
import { lstatSync, readlinkSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isPlainObject } from './json';

/** One connection as a state file records it: its JSON text, so a write never re-serialises the store. */
export interface StateEntry {
  readonly json: string;
  /** Epoch ms of the last create/replace while the connection may still be settling. */
  readonly changedAt?: number;
}

/** What a state file holds: the next id and every connection by id. */
export interface StateSnapshot {
  nextId: number;
  entries: ReadonlyMap<string, StateEntry>;
}

export interface LoadedState {
  nextId: number;
  connections: unknown[];
  changedAt: Record<string, unknown>;
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

/** Writes of about this size: few system calls, and no string as large as the whole store. */
const CHUNK_CHARS = 64 * 1024;

function* serialise(snapshot: StateSnapshot): Generator<string> {
  const changedAt: Record<string, number> = {};
  for (const [id, entry] of snapshot.entries)
    if (entry.changedAt !== undefined) changedAt[id] = entry.changedAt;
  let chunk = `{"nextId":${snapshot.nextId},"changedAt":${JSON.stringify(changedAt)},"connections":[`;
  let first = true;
  for (const { json } of snapshot.entries.values()) {
    chunk += first ? json : `,${json}`;
    first = false;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}\n`;
}

/**
 * Temp file next to the real target + rename over it: a crash mid-write never leaves a torn file, and a
 * symlinked state file stays a symlink. 0600 because it holds real secrets. Asynchronous and chunked, so
 * a large store never stalls the event loop.
 */
export async function writeStateFile(file: string, snapshot: StateSnapshot): Promise<void> {
  let temp: string | undefined;
  try {
    const target = resolveSymlinks(file);
    temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, serialise(snapshot), { mode: 0o600 });
    await rename(temp, target);
  } catch (err) {
    throw new Error(`Cannot write state file ${file}: ${(err as Error).message}`);
  } finally {
    if (temp !== undefined) await rm(temp, { force: true });
  }
}

/** Reads a state file no bigger than `maxBytes` (checked before reading) and checks its shape. */
export async function readStateFile(file: string, maxBytes: number): Promise<LoadedState> {
  let data: unknown;
  try {
    const { size } = await stat(file);
    if (size > maxBytes) {
      throw new Error(`it is ${size} bytes, over the bound of ${maxBytes} (maxStoreBytes + 1 MiB)`);
    }
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read state file ${file}: ${(err as Error).message}`);
  }
  if (
    !isPlainObject(data) ||
    !Number.isSafeInteger(data.nextId) ||
    !Array.isArray(data.connections) ||
    (data.changedAt !== undefined && !isPlainObject(data.changedAt))
  ) {
    throw new Error(`State file ${file} is not an emulator state file`);
  }
  return {
    nextId: data.nextId as number,
    connections: data.connections,
    changedAt: (data.changedAt ?? {}) as Record<string, unknown>,
  };
}

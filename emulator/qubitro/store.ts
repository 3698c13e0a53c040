/**
 * What the Qubitro emulator holds: projects with their webhook signing key, the devices each project has
 * heard from (by DevEUI, with `last_seen`), the REST API keys with the projects they may see, and a log of
 * the webhook calls. Everything is bounded, so no client can grow it without limit.
 */
import { timingSafeEqual } from 'node:crypto';
import { isPlainObject } from '../json';
import { fingerprint } from '../secrets';

export const MAX_PROJECTS = 1_000;
export const MAX_DEVICES_PER_PROJECT = 10_000;
export const MAX_API_KEYS = 1_000;
export const MAX_UPLINK_LOG = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEV_EUI = /^[0-9a-f]{16}$/i;

export interface ProjectSeed {
  id: string;
  name?: string;
  signingKey: string;
}

export interface ApiKeySeed {
  /** `QB_…`, as Qubitro's platform credentials are. */
  key: string;
  /** The project ids the key may see; absent = every project. */
  projects?: string[];
}

export interface Device {
  /** The DevEUI, upper case (how a DevEUI maps to a Qubitro device id is not documented: assumed). */
  id: string;
  name: string;
  created_at: string;
  last_seen: string;
}

/** One webhook call as the control plane shows it: never the key, only whether it matched. */
export interface ReceivedUplink {
  at: string;
  projectId?: string;
  DevEUI?: string;
  status: number;
  outcome: 'accepted' | 'unknown project' | 'wrong key' | 'missing headers' | 'bad body';
}

interface Project {
  id: string;
  name: string;
  signingKey: string;
  devices: Map<string, Device>;
}

/** A seed the emulator refuses; `message` names the field and what it takes. */
export class SeedError extends Error {}

export function isDevEui(value: unknown): value is string {
  return typeof value === 'string' && DEV_EUI.test(value);
}

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseProjectSeed(value: unknown, where: string): ProjectSeed {
  if (!isPlainObject(value) || Object.keys(value).some((k) => !['id', 'name', 'signingKey'].includes(k))) {
    throw new SeedError(`${where} must be {"id": UUID, "name"?: string, "signingKey": string}`);
  }
  const { id, name, signingKey } = value;
  if (typeof id !== 'string' || !UUID.test(id)) throw new SeedError(`${where}.id must be a UUID`);
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.length > 256)) {
    throw new SeedError(`${where}.name must be a string of 1 to 256 characters`);
  }
  if (typeof signingKey !== 'string' || signingKey === '' || signingKey.length > 1024) {
    throw new SeedError(`${where}.signingKey must be a string of 1 to 1024 characters`);
  }
  return { id: id.toLowerCase(), name: name as string | undefined, signingKey };
}

export function parseApiKeySeed(value: unknown, where: string): ApiKeySeed {
  if (!isPlainObject(value) || Object.keys(value).some((k) => !['key', 'projects'].includes(k))) {
    throw new SeedError(`${where} must be {"key": "QB_…", "projects"?: [UUID, …]}`);
  }
  const { key, projects } = value;
  if (typeof key !== 'string' || !/^QB_[\x21-\x7e]{1,256}$/.test(key)) {
    throw new SeedError(`${where}.key must be "QB_" followed by 1 to 256 printable characters`);
  }
  if (
    projects !== undefined &&
    (!Array.isArray(projects) ||
      projects.length > MAX_PROJECTS ||
      !projects.every((p) => typeof p === 'string' && UUID.test(p)))
  ) {
    throw new SeedError(`${where}.projects must be an array of project UUIDs`);
  }
  return { key, projects: (projects as string[] | undefined)?.map((p) => p.toLowerCase()) };
}

/** `{"projects": [...], "apiKeys": [...]}`, as a seed file or the control plane takes it. */
export function parseSeed(value: unknown, where: string): { projects: ProjectSeed[]; apiKeys: ApiKeySeed[] } {
  if (!isPlainObject(value) || Object.keys(value).some((k) => !['projects', 'apiKeys'].includes(k))) {
    throw new SeedError(`${where} must be {"projects"?: [...], "apiKeys"?: [...]}`);
  }
  const list = (field: string): unknown[] => {
    const v = value[field] ?? [];
    if (!Array.isArray(v)) throw new SeedError(`${where}.${field} must be an array`);
    return v;
  };
  return {
    projects: list('projects').map((p, i) => parseProjectSeed(p, `${where}.projects[${i}]`)),
    apiKeys: list('apiKeys').map((k, i) => parseApiKeySeed(k, `${where}.apiKeys[${i}]`)),
  };
}

export class QubitroStore {
  private projects = new Map<string, Project>();
  private apiKeys = new Map<string, ApiKeySeed>();
  private received: ReceivedUplink[] = [];

  /** Creates the project, or replaces its name and key (a rotation): its devices stay. */
  putProject(seed: ProjectSeed): void {
    const current = this.projects.get(seed.id);
    if (current === undefined && this.projects.size >= MAX_PROJECTS) {
      throw new SeedError(`at most ${MAX_PROJECTS} projects`);
    }
    this.projects.set(seed.id, {
      id: seed.id,
      name: seed.name ?? current?.name ?? `Project ${seed.id.slice(0, 8)}`,
      signingKey: seed.signingKey,
      devices: current?.devices ?? new Map(),
    });
  }

  putApiKey(seed: ApiKeySeed): void {
    if (!this.apiKeys.has(seed.key) && this.apiKeys.size >= MAX_API_KEYS) {
      throw new SeedError(`at most ${MAX_API_KEYS} API keys`);
    }
    this.apiKeys.set(seed.key, seed);
  }

  /** Projects as the control plane shows them: the key only as its fingerprint. */
  listProjects(): Array<{ id: string; name: string; signingKey: string; devices: number }> {
    return [...this.projects.values()].map((p) => ({
      id: p.id,
      name: p.name,
      signingKey: fingerprint(p.signingKey),
      devices: p.devices.size,
    }));
  }

  uplinks(): ReceivedUplink[] {
    return [...this.received];
  }

  clear(): void {
    this.projects.clear();
    this.apiKeys.clear();
    this.received = [];
  }

  /** The webhook: the uplink's fate, recorded; the device created or updated when accepted. */
  receive(
    projectId: string | undefined,
    signingKey: string | undefined,
    devEui: string | undefined,
  ): ReceivedUplink {
    const at = new Date().toISOString();
    const project = projectId === undefined ? undefined : this.projects.get(projectId.toLowerCase());
    let result: ReceivedUplink;
    if (projectId === undefined || signingKey === undefined) {
      result = { at, status: 401, outcome: 'missing headers' };
    } else if (project === undefined) {
      result = { at, projectId, status: 404, outcome: 'unknown project' };
    } else if (!sameSecret(signingKey, project.signingKey)) {
      result = { at, projectId: project.id, status: 401, outcome: 'wrong key' };
    } else if (devEui === undefined) {
      result = { at, projectId: project.id, status: 400, outcome: 'bad body' };
    } else {
      const id = devEui.toUpperCase();
      const device = project.devices.get(id);
      if (device === undefined && project.devices.size >= MAX_DEVICES_PER_PROJECT) {
        // The oldest-seen device makes room: a bounded store, and the newest uplink always shows.
        const oldest = [...project.devices.values()].sort((a, b) =>
          a.last_seen.localeCompare(b.last_seen),
        )[0];
        project.devices.delete(oldest.id);
      }
      project.devices.set(
        id,
        device ? { ...device, last_seen: at } : { id, name: id, created_at: at, last_seen: at },
      );
      result = { at, projectId: project.id, DevEUI: id, status: 200, outcome: 'accepted' };
    }
    this.received.push(result);
    if (this.received.length > MAX_UPLINK_LOG) this.received.shift();
    return result;
  }

  /** The key's scope, or undefined for an unknown key. */
  apiKey(key: string): ApiKeySeed | undefined {
    return this.apiKeys.get(key);
  }

  /** The project if it exists and `key` may see it: the API cannot tell "missing" from "not yours". */
  visibleProject(key: ApiKeySeed, id: string): { id: string; name: string; devices: Device[] } | undefined {
    const project = this.projects.get(id.toLowerCase());
    if (project === undefined || (key.projects !== undefined && !key.projects.includes(project.id))) {
      return undefined;
    }
    const devices = [...project.devices.values()].sort((a, b) => b.last_seen.localeCompare(a.last_seen));
    return { id: project.id, name: project.name, devices };
  }

  visibleProjects(key: ApiKeySeed): Array<{ id: string; name: string }> {
    return [...this.projects.values()]
      .filter((p) => key.projects === undefined || key.projects.includes(p.id))
      .map((p) => ({ id: p.id, name: p.name }));
  }
}

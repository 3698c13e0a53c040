/**
 * The environments YAML `qubitro-import` writes: one environment (the endpoint), one project per Qubitro
 * project, each connection promoted to that environment with `overrides.<env>.importFrom` its id. Given the
 * file it wrote before (or any environments YAML), it adds only the connections and projects that are new,
 * keeping everything else (comments included) as it is.
 */
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { defaultSigningKeyVariable } from '../schema/environments';
import type { ImportedProject, TenantSelection } from './selection';

export interface EndpointSettings {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly tokenUrl?: string;
  /** The environment key. */
  readonly environment: string;
}

/** What the code already holds: connection ids it imports, names it declares, construct ids per project. */
export interface ExistingCode {
  readonly ids: Set<string>;
  readonly names: Set<string>;
  readonly constructIds: (projectId: string) => Set<string>;
}

const SCHEMA_LINE =
  '# yaml-language-server: $schema=node_modules/cdktf-thingpark-qubitro/schema/environments.schema.json';

/** A project key from its Qubitro project id: `qubitro-<first 8 hex>`, longer when that is taken. */
export function projectKeyOf(projectId: string, taken: ReadonlySet<string>): string {
  const hex = projectId.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (let n = 8; n <= 32; n += 4) {
    const key = `qubitro-${hex.slice(0, n)}`;
    if (!taken.has(key)) return key;
  }
  return `qubitro-${hex}`;
}

type Json = Record<string, unknown>;

function projectsOf(doc: Document): Json[] {
  return ((doc.toJS() as Json | null)?.projects as Json[] | undefined) ?? [];
}

/** What an environments YAML already holds, for `environment`. */
export function existingYaml(text: string, environment: string): ExistingCode {
  const projects = projectsOf(parseDocument(text));
  const connections = projects.flatMap((p) => ((p.connections as Json[]) ?? []).map((c) => ({ p, c })));
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const { c } of connections) {
    const override = (c.overrides as Record<string, Json> | undefined)?.[environment];
    if (override?.importFrom !== undefined) ids.add(String(override.importFrom));
    if (((c.promoteTo as string[]) ?? []).includes(environment)) names.add(String(override?.name ?? c.name));
  }
  return {
    ids,
    names,
    constructIds: (projectId) =>
      new Set(connections.filter(({ p }) => p.projectId === projectId).map(({ c }) => String(c.id))),
  };
}

/** The signing key variable (without TF_VAR_) of a Qubitro project's stack in `environment`. */
export function yamlSigningKeyVariable(
  text: string,
  projectId: string,
  environment: string,
): string | undefined {
  const project = projectsOf(parseDocument(text)).find((p) => p.projectId === projectId);
  if (!project) return undefined;
  const listed = (project.environments as Record<string, Json> | undefined)?.[environment]
    ?.signingKeyVariable;
  return String(
    listed ?? project.signingKeyVariable ?? defaultSigningKeyVariable(environment, String(project.key)),
  );
}

function connectionNode(doc: Document, environment: string, c: ImportedProject['connections'][number]) {
  const { id, importFrom, ...options } = c.props;
  const node = doc.createNode({
    id,
    ...options,
    promoteTo: [environment],
    overrides: { [environment]: { importFrom } },
  }) as YAMLMap;
  (node.get('promoteTo', true) as unknown as YAMLSeq).flow = true;
  (node.get('overrides', true) as unknown as YAMLMap).items.forEach(
    (i) => ((i.value as YAMLMap).flow = true),
  );
  if (c.keySentOnce) {
    node.commentBefore =
      ' the API masks the signing key: the first deploy sends it once (an update, no create)';
  }
  return node;
}

/**
 * The YAML text: `previous` (an environments YAML) with the new connections and projects added, or a new
 * file. Skipped connections are listed in a comment at the end.
 */
export function writeYaml(
  selection: TenantSelection,
  endpoint: EndpointSettings,
  previous: string | undefined,
  header: string[],
): string {
  const doc: Document = previous !== undefined ? parseDocument(previous) : new Document({});
  const env = endpoint.environment;
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  const root = doc.contents as YAMLMap;
  if (!root.has('environments')) root.set('environments', doc.createNode({}));
  const environments = root.get('environments') as YAMLMap;
  if (!environments.has(env)) {
    environments.set(
      env,
      doc.createNode({
        baseUrl: endpoint.baseUrl,
        clientId: endpoint.clientId,
        ...(endpoint.tokenUrl ? { tokenUrl: endpoint.tokenUrl } : {}),
        clientSecretVariable: 'thingpark_client_secret',
      }),
    );
  }
  if (!root.has('projects')) root.set('projects', doc.createNode([]));
  const projects = root.get('projects') as YAMLSeq;
  const known = projectsOf(doc);
  const keys = new Set(known.map((p) => String(p.key)));
  for (const project of selection.projects) {
    const index = known.findIndex((p) => p.projectId === project.projectId);
    if (index >= 0) {
      const node = projects.items[index] as YAMLMap;
      if (!node.has('connections')) node.set('connections', doc.createNode([]));
      const seq = node.get('connections') as YAMLSeq;
      for (const c of project.connections) seq.items.push(connectionNode(doc, env, c));
      continue;
    }
    const key = projectKeyOf(project.projectId, keys);
    keys.add(key);
    const node = doc.createNode({ key, projectId: project.projectId, connections: [] }) as YAMLMap;
    node.commentBefore = ` signing key: TF_VAR_${defaultSigningKeyVariable(env, key)}`;
    const seq = node.get('connections') as YAMLSeq;
    for (const c of project.connections) seq.items.push(connectionNode(doc, env, c));
    projects.items.push(node);
  }
  if (previous === undefined) doc.commentBefore = [SCHEMA_LINE.slice(1), ...header].join('\n');
  if (selection.skipped.length) {
    const before = doc.comment?.split('\n') ?? [];
    const lines = selection.skipped
      .map((s) => ` not imported: ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`)
      .filter((l) => !before.includes(l));
    doc.comment = [...before, ...lines].filter(Boolean).join('\n');
  }
  if (!isSeq(projects)) throw new Error('projects is not a list');
  return doc.toString({ lineWidth: 0 });
}

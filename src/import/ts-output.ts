/**
 * The TypeScript `main.ts` `qubitro-import` writes: one `QubitroProjectStack` per Qubitro project, each
 * connection with `importFrom` its id. Marker comments let a second run add only what is new: connections
 * above their project's marker, projects above the app's.
 */
import type { ImportedConnection, ImportedGeneric, TenantSelection } from './selection';
import { projectKeyOf, type EndpointSettings, type ExistingCode } from './yaml-output';

const PROJECTS_MARKER = '// qubitro-import: new projects go above this line';
const connectionsMarker = (projectId: string) =>
  `// qubitro-import: new connections of ${projectId} go above this line`;

/** The stack of the connections written as `IotFlowConnection`s (other connectors, unusual fields). */
const OTHERS_STACK = 'other-connections';
const SYNTH_LINE = 'app.synth();';

/** The variable (without TF_VAR_) of a secret at `path` of a generic connection, e.g. `acme_bridge_headers_authorization`. */
export function genericSecretVariable(constructId: string, path: string): string {
  const snake = (t: string) =>
    t
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_');
  return `${snake(constructId)}_${snake(path)}`.toLowerCase();
}

/** A value as TypeScript: JSON, except a secret path, which reads its sensitive variable. */
function literal(value: unknown, secrets: ReadonlyMap<string, string>, path = ''): string {
  if (secrets.has(path)) return `secret(others, ${JSON.stringify(secrets.get(path))})`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const entries = Object.entries(value).map(
    ([k, v]) => `${JSON.stringify(k)}: ${literal(v, secrets, path ? `${path}.${k}` : k)}`,
  );
  return `{ ${entries.join(', ')} }`;
}

function genericLine(c: ImportedGeneric): string {
  const secrets = new Map([
    ...c.secretFields.map((p) => [`configuration.${p}`, genericSecretVariable(c.id, p)] as const),
    ...(c.secretProps ?? []).map((p) => [p, genericSecretVariable(c.id, p)] as const),
  ]);
  if (c.construct) {
    const fields = [
      ...Object.entries(c.props).map(([k, v]) => `${k}: ${literal(v, secrets, k)}`),
      ...(c.secretProps ?? []).map((p) => `${p}: ${literal(undefined, secrets, p)}`),
    ];
    return `new presets.${c.construct}(others, ${JSON.stringify(c.id)}, { api: othersApi, ${[...fields, `importFrom: ${JSON.stringify(c.importFrom)}`].join(', ')} }); // masked secrets: sent once on the first deploy`;
  }
  const fields = Object.entries(c.props).map(([k, v]) => `${k}: ${literal(v, secrets, k)}`);
  const extra = c.secretFields.length ? [`secretFields: ${JSON.stringify(c.secretFields)}`] : [];
  const note = c.secretFields.length ? ' // masked secrets: sent once on the first deploy' : '';
  return `new IotFlowConnection(others, ${JSON.stringify(c.id)}, { api: othersApi, ${[...fields, ...extra, `importFrom: ${JSON.stringify(c.importFrom)}`].join(', ')} });${note}`;
}

function othersBlock(endpoint: EndpointSettings): string {
  return [
    `const others = new TerraformStack(app, ${JSON.stringify(OTHERS_STACK)});`,
    "const othersApi = new IotFlowApi(others, 'Api', {",
    `  baseUrl: process.env.IOTFLOW_BASE_URL ?? ${JSON.stringify(endpoint.baseUrl)},`,
    `  clientId: process.env.IOTFLOW_CLIENT_ID ?? ${JSON.stringify(endpoint.clientId)},`,
    ...(endpoint.tokenUrl ? [`  tokenUrl: ${JSON.stringify(endpoint.tokenUrl)},`] : []),
    "  clientSecret: secret(others, 'thingpark_client_secret'),",
    '});',
    connectionsMarker(OTHERS_STACK),
  ].join('\n');
}

/** What a main.ts written by qubitro-import already holds. */
export function existingTs(text: string): ExistingCode {
  const ids = new Set(
    [...text.matchAll(/importFrom: ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string),
  );
  const names = new Set(
    [...text.matchAll(/\bname: ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string),
  );
  return {
    ids,
    names,
    constructIds: (projectId) => {
      // '' is the stack of IotFlowConnections.
      if (projectId === '') {
        return new Set(
          [...text.matchAll(/new IotFlowConnection\(others, "([A-Za-z0-9]+)"/g)].map((m) => m[1]),
        );
      }
      const start = text.indexOf(`projectId: ${JSON.stringify(projectId)}`);
      const end = text.indexOf(connectionsMarker(projectId));
      if (start < 0 || end < 0) return new Set();
      return new Set([...text.slice(start, end).matchAll(/\bid: "([A-Za-z0-9]+)"/g)].map((m) => m[1]));
    },
  };
}

/** The signing key variable (without TF_VAR_) of a Qubitro project's stack in a main.ts. */
export function tsSigningKeyVariable(text: string, projectId: string): string | undefined {
  const start = text.indexOf(`projectId: ${JSON.stringify(projectId)}`);
  return start < 0 ? undefined : /signingKeyVariable: "([^"]+)"/.exec(text.slice(start))?.[1];
}

function connectionLine(c: ImportedConnection): string {
  const fields = Object.entries(c.props).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  const note = c.keySentOnce ? ' // the masked signing key is sent once on the first deploy' : '';
  return `    { ${fields.join(', ')} },${note}`;
}

function projectBlock(projectId: string, key: string, endpoint: EndpointSettings, lines: string[]): string {
  const variable = `${key.replace(/-/g, '_')}_signing_key`;
  return [
    `new QubitroProjectStack(app, ${JSON.stringify(key)}, {`,
    `  baseUrl: process.env.IOTFLOW_BASE_URL ?? ${JSON.stringify(endpoint.baseUrl)},`,
    `  clientId: process.env.IOTFLOW_CLIENT_ID ?? ${JSON.stringify(endpoint.clientId)},`,
    ...(endpoint.tokenUrl ? [`  tokenUrl: ${JSON.stringify(endpoint.tokenUrl)},`] : []),
    `  projectId: ${JSON.stringify(projectId)},`,
    `  signingKeyVariable: ${JSON.stringify(variable)}, // TF_VAR_${variable}`,
    '  connections: [',
    ...lines,
    `    ${connectionsMarker(projectId)}`,
    '  ],',
    '});',
  ].join('\n');
}

/** The main.ts text: `previous` with what is new added above its markers, or a new file. */
export function writeTs(
  selection: TenantSelection,
  endpoint: EndpointSettings,
  previous: string | undefined,
  header: string[],
  /** The CDK framework of the app: `cdktf` (imports `cdktf` and `cdktf-thingpark-qubitro`) or `cdktn`. */
  framework = 'cdktf',
): string {
  let text =
    previous ??
    [
      ...header.map((h) => `//${h}`),
      // From the framework the user's app runs on: its name is a parameter (the flavour build checks that no
      // compiled file but the framework module names cdktf).
      `import { App, TerraformStack, TerraformVariable } from '${framework}';`,
      `import { IotFlowApi, IotFlowConnection, QubitroProjectStack } from '${framework}-thingpark-qubitro';`,
      `import * as presets from '${framework}-thingpark-qubitro';`,
      '',
      '/** A sensitive, ephemeral variable fed by TF_VAR_<name>: it reaches write-only attributes only. */',
      'function secret(stack: TerraformStack, name: string): string {',
      "  const variable = new TerraformVariable(stack, name, { type: 'string', sensitive: true });",
      "  variable.addOverride('ephemeral', true);",
      '  return variable.stringValue;',
      '}',
      '',
      'const app = new App();',
      PROJECTS_MARKER,
      SYNTH_LINE,
      '',
    ].join('\n');
  const keys = new Set([...text.matchAll(/new QubitroProjectStack\(app, "([^"]+)"/g)].map((m) => m[1]));
  for (const project of selection.projects) {
    const lines = project.connections.map(connectionLine);
    const marker = connectionsMarker(project.projectId);
    if (text.includes(marker)) {
      text = text.replace(`    ${marker}`, () => [...lines, `    ${marker}`].join('\n'));
      continue;
    }
    const key = projectKeyOf(project.projectId, keys);
    keys.add(key);
    text = text.replace(
      PROJECTS_MARKER,
      () => `${projectBlock(project.projectId, key, endpoint, lines)}\n${PROJECTS_MARKER}`,
    );
  }
  if (selection.generic.length) {
    const marker = connectionsMarker(OTHERS_STACK);
    if (!text.includes(marker))
      text = text.replace(SYNTH_LINE, () => `${othersBlock(endpoint)}\n${SYNTH_LINE}`);
    text = text.replace(marker, () => [...selection.generic.map(genericLine), marker].join('\n'));
  }
  const skipped = selection.skipped
    .map((s) => `// not imported: ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`)
    .filter((l) => !text.includes(l));
  return skipped.length ? `${text.trimEnd()}\n${skipped.join('\n')}\n` : text;
}

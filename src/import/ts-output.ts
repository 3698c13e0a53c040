/**
 * The TypeScript `main.ts` `qubitro-import` writes: one `QubitroProjectStack` per Qubitro project, each
 * connection with `importFrom` its id. Marker comments let a second run add only what is new: connections
 * above their project's marker, projects above the app's.
 */
import type { ImportedConnection, TenantSelection } from './selection';
import { projectKeyOf, type EndpointSettings, type ExistingCode } from './yaml-output';

const PROJECTS_MARKER = '// qubitro-import: new projects go above this line';
const connectionsMarker = (projectId: string) =>
  `// qubitro-import: new connections of ${projectId} go above this line`;

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
): string {
  let text =
    previous ??
    [
      ...header.map((h) => `//${h}`),
      "import { App } from 'cdktf';",
      "import { QubitroProjectStack } from 'cdktf-thingpark-qubitro';",
      '',
      'const app = new App();',
      PROJECTS_MARKER,
      'app.synth();',
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
  const skipped = selection.skipped
    .map((s) => `// not imported: ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`)
    .filter((l) => !text.includes(l));
  return skipped.length ? `${text.trimEnd()}\n${skipped.join('\n')}\n` : text;
}

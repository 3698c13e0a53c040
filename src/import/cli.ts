#!/usr/bin/env node
/**
 * qubitro-import: brings the connections of an existing IoT Flow tenant under code. Reads every page of
 * `GET /connections` and writes an environments YAML (or a main.ts) that imports each selected Qubitro
 * connection by id, then prints a report: what was written, which TF_VAR_… to set, which keys the first
 * deploy sends once, and every connection left out with the reason.
 */
import * as fs from 'node:fs';
import { failed, parseCommand, runAsBin, badUsage, type Write } from '../review/cli-kit';
import { selectConnections, selects, type Selection, type TenantSelection } from './selection';
import { readTenant, type TenantConnection } from './tenant';
import { existingTs, genericSecretVariable, tsSigningKeyVariable, writeTs } from './ts-output';
import { existingYaml, writeYaml, yamlSigningKeyVariable, type ExistingCode } from './yaml-output';

const USAGE = `Usage: qubitro-import --base-url <url> --client-id <id> --format yaml|ts --out <file>
                      [--brand B] [--name GLOB] [--connector C] [--env prod] [--token-url <url>]

Writes code that imports the connections of an IoT Flow endpoint (default: all Qubitro ones), grouped per
Qubitro project, each with importFrom its id. The client secret comes from TF_VAR_thingpark_client_secret.
An existing --out file is kept: only connections it does not hold yet are added.

  --format      yaml: an environments YAML (addEnvironmentStacks); ts: a main.ts, one QubitroProjectStack
                per project
  --brand       select this brand (default QUBITRO); --connector selects by connector id
  --name        select names matching this glob (* and ?)
  --env         the environment key of the YAML (default: prod)
  --framework   the framework main.ts imports: cdktf (default) or cdktn (cdktn-thingpark-qubitro)
`;

const SECRET_VARIABLE = 'TF_VAR_thingpark_client_secret';

const CLI = { bin: 'qubitro-import', usage: USAGE };

/** Runs the command; returns the exit code (0 done, 1 failed or bad usage). */
export async function main(argv: string[], out: Write, err: Write, env = process.env): Promise<number> {
  const parsed = parseCommand(
    CLI,
    {
      'base-url': { type: 'string' },
      'client-id': { type: 'string' },
      'token-url': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      brand: { type: 'string' },
      name: { type: 'string' },
      connector: { type: 'string' },
      env: { type: 'string', default: 'prod' },
      framework: { type: 'string', default: 'cdktf' },
    },
    argv,
    out,
    err,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  const missing = (['base-url', 'client-id', 'format', 'out'] as const).filter((k) => !values[k]);
  if (
    missing.length ||
    !['yaml', 'ts'].includes(values.format ?? 'yaml') ||
    !['cdktf', 'cdktn'].includes(values.framework)
  ) {
    const why = missing.length
      ? `missing --${missing.join(', --')}`
      : '--format is yaml or ts, --framework cdktf or cdktn';
    return badUsage(CLI, why, err);
  }
  const clientSecret = env.TF_VAR_thingpark_client_secret;
  if (!clientSecret) {
    const why = `${SECRET_VARIABLE} is not set. Fix: export the service account's secret as ${SECRET_VARIABLE}`;
    return failed(CLI, why, err, env);
  }
  try {
    const tenant = await readTenant({
      baseUrl: values['base-url']!,
      clientId: values['client-id']!,
      clientSecret,
      tokenUrl: values['token-url'],
    });
    const file = values.out!;
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const environment = values.env;
    const existing: ExistingCode =
      previous === undefined
        ? { ids: new Set(), names: new Set(), constructIds: () => new Set() }
        : values.format === 'ts'
          ? existingTs(previous)
          : existingYaml(previous, environment);
    const selection: Selection = { brand: values.brand, name: values.name, connector: values.connector };
    const selected = selectConnections(
      tenant,
      selection,
      existing,
      existing.constructIds,
      values.format === 'ts',
    );
    const endpoint = {
      baseUrl: values['base-url']!,
      clientId: values['client-id']!,
      tokenUrl: values['token-url'],
      environment,
    };
    const header = [
      ` Written by qubitro-import from ${endpoint.baseUrl}: each connection imports the existing one (importFrom).`,
      ' The API masks signing keys: set the TF_VAR_… named per project; the first deploy sends each key once.',
    ];
    const text =
      values.format === 'ts'
        ? writeTs(selected, endpoint, previous, header, values.framework)
        : writeYaml(selected, endpoint, previous, header);
    fs.writeFileSync(file, text);
    const variableOf = (projectId: string) =>
      values.format === 'ts'
        ? tsSigningKeyVariable(text, projectId)
        : yamlSigningKeyVariable(text, projectId, environment);
    out(report(tenant, selection, selected, existing, variableOf, file, previous));
    return 0;
  } catch (e) {
    return failed(CLI, e, err, env);
  }
}

/** The command's report: counts, variables to set, key sends, and every connection left out. */
function report(
  tenant: readonly TenantConnection[],
  selection: Selection,
  selected: TenantSelection,
  existing: ExistingCode,
  variableOf: (projectId: string) => string | undefined,
  file: string,
  previous: string | undefined,
): string {
  const imported = selected.projects.flatMap((p) => p.connections);
  const matching = tenant.filter((c) => selects(selection, c));
  const already = matching.filter((c) => existing.ids.has(c.id)).length;
  const lines = [
    `qubitro-import: ${tenant.length} connections on the endpoint, ${matching.length} selected; ` +
      `${imported.length + selected.generic.length} ${previous === undefined ? 'written to' : 'added to'} ${file} ` +
      `(${imported.length} in ${selected.projects.length} Qubitro projects` +
      (selected.generic.length ? `, ${selected.generic.length} as IotFlowConnection` : '') +
      ')' +
      (already ? `, ${already} already under code` : '') +
      `, ${selected.skipped.length} not imported.`,
  ];
  if (selected.projects.length || selected.generic.length) {
    lines.push('', 'Set these variables before `cdktf diff`/`deploy`:');
  }
  for (const p of selected.projects) {
    const variable = variableOf(p.projectId);
    const sent = p.connections.filter((c) => c.keySentOnce).length;
    lines.push(
      `  TF_VAR_${variable}: the webhook signing key of Qubitro project ${p.projectId} (${p.connections.length} connections; ` +
        `the API masks it, so the first deploy sends it once to ${sent} of them: one update each, no create, no delete)`,
    );
  }
  for (const g of selected.generic) {
    for (const path of g.secretFields) {
      lines.push(
        `  TF_VAR_${genericSecretVariable(g.id, path)}: configuration.${path} of ${g.id} (${g.importFrom}), ` +
          'masked by the API: the first deploy sends it once',
      );
    }
    for (const prop of g.secretProps ?? []) {
      lines.push(
        `  TF_VAR_${genericSecretVariable(g.id, prop)}: ${prop} of ${g.id} (${g.importFrom}, ${g.construct}), ` +
          'masked by the API: the first deploy sends it once',
      );
    }
  }
  if (selected.projects.length || selected.generic.length) {
    lines.push('  TF_VAR_thingpark_client_secret: the service account secret');
  }
  if (selected.generic.length) {
    lines.push('', `In stack other-connections (construct id ← connection id):`);
    for (const g of selected.generic) {
      lines.push(
        `  ${g.id} ← ${g.importFrom}: ` +
          (g.construct ??
            `IotFlowConnection (${String(g.props.connectorId)}${g.props.brand ? `/${String(g.props.brand)}` : ''})`) +
          (g.secretFields.length + (g.secretProps?.length ?? 0)
            ? `, ${g.secretFields.length + (g.secretProps?.length ?? 0)} masked secrets sent once`
            : ', no secret to send'),
      );
    }
  }
  if (imported.length) {
    lines.push('', 'Per connection (construct id ← connection id):');
    for (const c of imported) {
      lines.push(
        `  ${c.props.id} ← ${c.props.importFrom}: ${c.keySentOnce ? 'signing key sent once on the first deploy' : 'no secret to send'}`,
      );
    }
  }
  if (selected.skipped.length) {
    lines.push('', 'Not imported (listed in the file as comments too):');
    for (const s of selected.skipped) lines.push(`  ${s.id} ${JSON.stringify(s.name)}: ${s.reason}`);
  }
  const others = tenant.length - matching.length;
  if (others) {
    const kinds = [
      ...new Set(
        tenant.filter((c) => !selects(selection, c)).map((c) => `${c.connectorId}/${c.brand ?? '-'}`),
      ),
    ];
    lines.push(
      '',
      `${others} connections not selected (${kinds.join(', ')}): select them with --brand or --connector.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

runAsBin(module, main);

/**
 * The provider's registry docs (`npm run docs`, scripts/docs.ts): provider/docs/ rendered by HashiCorp's
 * terraform-plugin-docs from the schema descriptions the provider itself reports (`providers schema -json`,
 * offline through the engine's mirror) and the HCL in provider/examples/.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine, IOTFLOW_PROVIDER } from '../engine/engine';
import { PROVIDER_NAME } from '../src/wire-format';

/** Pinned: a newer tfplugindocs may render the same schema differently, which the staleness test would flag. */
export const TFPLUGINDOCS = 'github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v0.25.0';

export const PROVIDER_DIR = IOTFLOW_PROVIDER.dir!;

/** The provider's schema as `<engine> providers schema -json` reports it, from a module needing only it. */
export function providerSchema(engine: Engine): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-schema-'));
  try {
    const { source, version } = IOTFLOW_PROVIDER;
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { [PROVIDER_NAME]: { source, version } } } }),
    );
    const env = { ...process.env, ...engine.env };
    const bin = path.join(engine.binDir, engine.binaryName);
    execFileSync(bin, ['init', '-input=false', '-no-color'], { cwd: dir, env, stdio: 'ignore' });
    const out = execFileSync(bin, ['providers', 'schema', '-json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(out) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Renders `<providerDir>/docs/` from `schema` and `<providerDir>/examples/`. tfplugindocs finds a provider in
 * a schema file by its short name (or as hashicorp/<name>), so the schema is re-keyed under `iotflow` first.
 */
export function generateDocs(schema: Record<string, unknown>, providerDir = PROVIDER_DIR): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-docs-'));
  try {
    const schemas = Object.values(schema.provider_schemas as Record<string, unknown>);
    if (schemas.length !== 1) throw new Error(`docs: expected one provider schema, got ${schemas.length}`);
    const schemaFile = path.join(work, 'schema.json');
    fs.writeFileSync(
      schemaFile,
      JSON.stringify({ ...schema, provider_schemas: { [PROVIDER_NAME]: schemas[0] } }),
    );
    execFileSync(
      'go',
      [
        'run',
        TFPLUGINDOCS,
        'generate',
        '--provider-dir',
        providerDir,
        '--provider-name',
        PROVIDER_NAME,
        '--rendered-provider-name',
        'IoT Flow',
        '--providers-schema',
        schemaFile,
        '--website-temp-dir',
        path.join(work, 'website'),
      ],
      // Outside any module, so the tool's own dependencies never touch provider/go.mod.
      { cwd: work, env: { ...process.env, GOTOOLCHAIN: 'local' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return path.join(providerDir, 'docs');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Every file under `dir`, relative path → content. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else files[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return files;
}

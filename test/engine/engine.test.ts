/** The engine install contract, and the hand-written provider binding checked against the provider's real schema. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformVariable } from 'cdktf';
import { IOTFLOW_PROVIDER, TOFU_VERSION } from '../../engine/engine';
import { IotFlowApi, QubitroConnection } from '../../src';
import { requireEngine, run } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
// The machine presets TF_CLI_CONFIG_FILE to a file that does not exist; the exports must override it.
const inherited = { ...process.env, TF_CLI_CONFIG_FILE: '/nonexistent/inherited.tfrc' };

// The suites' engine: OpenTofu built from source (which engine `auto` picks is test/engine/selection.test.ts).
const install = () =>
  run(tsx, [path.join(root, 'engine/cli.ts'), 'install', '--engine', 'build'], root, inherited);

describe('engine:install', () => {
  test('prints only export lines for PATH, TF_CLI_CONFIG_FILE, TERRAFORM_BINARY_NAME, CHECKPOINT_DISABLE, TF_INPUT and CDKTF_DISABLE_PLUGIN_CACHE_ENV', async () => {
    const r = await install();
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => l.startsWith('export '))).toBe(true);
    expect(lines.map((l) => l.replace(/^export (\w+)=.*/, '$1'))).toEqual([
      'PATH',
      'TF_CLI_CONFIG_FILE',
      'TERRAFORM_BINARY_NAME',
      'CHECKPOINT_DISABLE',
      'TF_INPUT',
      'CDKTF_DISABLE_PLUGIN_CACHE_ENV',
    ]);
    expect(r.stdout).toContain("export TERRAFORM_BINARY_NAME='tofu'");
    expect(r.stdout).not.toContain('/nonexistent/inherited.tfrc');
  });

  test('a failure prints `false` for eval, so `eval "$(qubitro-engine install)"` fails too', async () => {
    const r = await run(
      'bash',
      ['-c', `set -e; eval "$(${tsx} engine/cli.ts instal 2>/dev/null)"; echo reached`],
      root,
      inherited,
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('reached');
  });

  test('--check reports the engine and why, its version, the provider source and the mirror, and exits 0 once installed', async () => {
    const r = await run(
      tsx,
      [path.join(root, 'engine/cli.ts'), '--check', '--engine', 'build'],
      root,
      inherited,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`engine: tofu ${TOFU_VERSION} (built from source)\n`);
    expect(r.stdout).toContain('why: OpenTofu 1.12.6 built from source, as asked (--engine build)');
    // A development checkout has no platform package: the provider is built from its sources.
    expect(r.stdout).toContain(`provider: built, built from provider/ with Go`);
    expect(r.stdout).toMatch(new RegExp(`^mirror: ${requireEngine().mirror}$`, 'm'));
  });

  // What it logs, not how long it takes: a busy machine stretches even a cached run.
  test('a second run builds and downloads nothing, and prints the same', async () => {
    const first = await install();
    const second = await install();
    expect(second.stderr).not.toMatch(/^\s*(building|downloading) /m);
    expect(second.stdout).toBe(first.stdout);
  });

  test('an evaluated shell runs the built OpenTofu with the mirror config, not the inherited one', async () => {
    const r = await run(
      'bash',
      ['-c', `eval "$(${tsx} engine/cli.ts install --engine build 2>/dev/null)" && tofu version -json`],
      root,
      inherited,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).terraform_version).toBe(TOFU_VERSION);
    expect(r.stderr).not.toContain('Unable to open CLI configuration file');
  });

  test('--engine terraform points cdktf at the terraform on PATH, which inits from the mirror under its own registry host', async () => {
    // QUBITRO_ENGINE is --engine's default, as a CI job would set it once.
    const env = { ...inherited, QUBITRO_ENGINE: 'terraform' };
    const hasTerraform = (await run('bash', ['-c', 'command -v terraform'], root, env)).code === 0;
    // The machine image ships Terraform 1.11.4: under CI its absence is a failure, not a skip.
    if (!hasTerraform && process.env.CI !== 'true') return;
    const r = await run(
      'bash',
      [
        '-c',
        `eval "$(${tsx} engine/cli.ts install 2>/dev/null)" && echo "$TERRAFORM_BINARY_NAME" && command -v terraform`,
      ],
      root,
      env,
    );
    expect(r.stdout.split('\n')[0]).toBe('terraform');
    expect(r.stdout.split('\n')[1]).toMatch(/\/engine-[^/]+\/bin\/terraform$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-terraform-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'main.tf.json'),
        JSON.stringify({
          terraform: {
            required_providers: {
              iotflow: { source: IOTFLOW_PROVIDER.source, version: IOTFLOW_PROVIDER.version },
            },
          },
        }),
      );
      const init = await run(
        'bash',
        [
          '-c',
          `eval "$(${tsx} ${root}/engine/cli.ts install 2>/dev/null)" && terraform init -input=false -no-color`,
        ],
        dir,
        env,
      );
      expect(init.code).toBe(0);
      expect(init.output).toContain(`Installed ${IOTFLOW_PROVIDER.source} v${IOTFLOW_PROVIDER.version}`);
      expect(fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toContain(
        `registry.terraform.io/${IOTFLOW_PROVIDER.source}`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the cache lives outside the repository in a versioned folder', () => {
    const engine = requireEngine();
    expect(path.relative(root, engine.dir).startsWith('..')).toBe(true);
    expect(path.basename(engine.dir)).toContain(`tofu-${TOFU_VERSION}`);
  });
});

type SchemaBlock = {
  attributes?: Record<string, { nested_type?: { attributes: Record<string, unknown> } }>;
  block_types?: Record<string, { block: SchemaBlock }>;
};

/** Paths of every attribute in `emitted` that the schema block does not declare. */
function unknownAttributes(emitted: Record<string, unknown>, block: SchemaBlock, prefix = ''): string[] {
  const META = new Set(['//', 'provider', 'alias', 'depends_on', 'lifecycle', 'count', 'for_each']);
  return Object.entries(emitted).flatMap(([key, value]) => {
    if (META.has(key)) return [];
    const where = `${prefix}${key}`;
    const attr = block.attributes?.[key];
    const nested = attr?.nested_type ?? block.block_types?.[key]?.block;
    if (!attr && !nested) return [where];
    if (nested && value && typeof value === 'object' && !Array.isArray(value)) {
      return unknownAttributes(value as Record<string, unknown>, nested as SchemaBlock, `${where}.`);
    }
    return [];
  });
}

describe('the iotflow provider binding', () => {
  test('every attribute the constructs emit exists in `tofu providers schema -json`', async () => {
    const engine = requireEngine();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-schema-'));
    try {
      const app = new App({ outdir });
      const { TerraformStack } = await import('cdktf');
      const stack = new TerraformStack(app, 'schema');
      const secret = (name: string) =>
        new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
      const oauth = new IotFlowApi(stack, 'OAuth', {
        baseUrl: 'https://example.thingpark.io/iot-flow/v1',
        clientId: 'client',
        clientSecret: secret('client_secret'),
        maxRetries: 5,
      });
      const bearer = new IotFlowApi(stack, 'Bearer', {
        baseUrl: 'https://example.thingpark.io/iot-flow/v1',
        bearerToken: secret('token'),
      });
      for (const [id, api] of [
        ['A', oauth],
        ['B', bearer],
      ] as const) {
        new QubitroConnection(stack, id, {
          api,
          name: `Connection ${id}`,
          projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
          webhookSigningKey: secret(`key_${id}`),
          downlinkAsKey: secret(`as_key_${id}`),
          downlinkPort: 2,
          importFrom: id === 'A' ? '1114' : undefined,
          adoptExisting: id === 'B' ? true : undefined,
        });
      }
      app.synth();
      const dir = path.join(outdir, 'stacks', 'schema');
      const env = { ...process.env, ...engine.env };
      expect((await run(engine.binaryName, ['init', '-input=false', '-no-color'], dir, env)).code).toBe(0);
      const schemaRun = await run(engine.binaryName, ['providers', 'schema', '-json'], dir, env);
      const schema = JSON.parse(schemaRun.stdout).provider_schemas[
        `registry.opentofu.org/${IOTFLOW_PROVIDER.source}`
      ];
      const tf = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));

      expect(Object.keys(tf.data.iotflow_connections)).toHaveLength(3); // two read-backs, one adoption lookup
      const unknown = [
        ...tf.provider.iotflow.flatMap((p: Record<string, unknown>) =>
          unknownAttributes(p, schema.provider.block, 'provider.'),
        ),
        ...Object.values(tf.resource.iotflow_connection).flatMap((r) =>
          unknownAttributes(
            r as Record<string, unknown>,
            schema.resource_schemas.iotflow_connection.block,
            'resource.',
          ),
        ),
        ...Object.values(tf.data.iotflow_connections).flatMap((d) =>
          unknownAttributes(
            d as Record<string, unknown>,
            schema.data_source_schemas.iotflow_connections.block,
            'data.',
          ),
        ),
      ];
      expect(unknown).toEqual([]);
      expect((await run(engine.binaryName, ['validate', '-no-color'], dir, env)).stdout).toContain('Success');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

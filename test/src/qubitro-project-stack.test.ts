import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { QubitroProjectStack, QubitroProjectStackProps } from '../../src';
import { NATIVE_OVERRIDE_FILE } from '../../src/native-syntax';
import {
  BASE_URL,
  bodyOf,
  configurationOf,
  connections,
  filesContaining,
  iotflowProviders,
  PROJECT_ID,
  synth,
  TfJson,
  unhashed,
  validationError,
} from '../support/synth';

Testing.setupJest();

function projectStack(props: Partial<QubitroProjectStackProps> = {}): {
  stack: QubitroProjectStack;
  tf: TfJson;
} {
  const stack = new QubitroProjectStack(Testing.app(), 'farm', {
    baseUrl: BASE_URL,
    clientId: 'service-account',
    projectId: PROJECT_ID,
    connections: [
      { id: 'Uplinks', name: 'Farm sensors to Qubitro' },
      { id: 'Backup', name: 'Farm sensors to Qubitro (backup)', active: false },
    ],
    ...props,
  });
  return { stack, tf: synth(stack).tf };
}

/** Every `${...}` reference in a synthesized value. */
function references(value: unknown): string[] {
  return JSON.stringify(value).match(/\b(var|data|local|iotflow_connection)\.[\w.]+/g) ?? [];
}

describe('QubitroProjectStack variables', () => {
  it('declares the client secret and the signing key as sensitive variables with the documented names', () => {
    const { tf } = projectStack();
    expect(Object.keys(tf.variable).sort()).toEqual([
      'qubitro_webhook_signing_key',
      'thingpark_client_secret',
    ]);
    expect(tf.variable.thingpark_client_secret).toMatchObject({ type: 'string', sensitive: true });
    expect(tf.variable.qubitro_webhook_signing_key).toMatchObject({ type: 'string', sensitive: true });
  });

  it('declares every secret variable ephemeral, so neither the state nor a saved plan can hold it', () => {
    const { tf } = projectStack();
    expect(tf.variable.thingpark_client_secret.ephemeral).toBe(true);
    expect(tf.variable.qubitro_webhook_signing_key.ephemeral).toBe(true);
  });

  it('declares the bearer token variable ephemeral too', () => {
    const { tf } = projectStack({ clientId: undefined });
    expect(tf.variable.thingpark_bearer_token).toMatchObject({ sensitive: true, ephemeral: true });
  });

  it('declares a sensitive bearer token variable instead when no clientId is given', () => {
    const { tf } = projectStack({ clientId: undefined });
    expect(Object.keys(tf.variable).sort()).toEqual([
      'qubitro_webhook_signing_key',
      'thingpark_bearer_token',
    ]);
    expect(tf.variable.thingpark_bearer_token).toMatchObject({ type: 'string', sensitive: true });
  });

  it('uses the custom variable names it is given', () => {
    const { tf } = projectStack({ clientSecretVariable: 'tp_secret', signingKeyVariable: 'farm_key' });
    expect(Object.keys(tf.variable).sort()).toEqual(['farm_key', 'tp_secret']);
  });

  it('uses a custom bearer token variable name', () => {
    const { tf } = projectStack({ clientId: undefined, bearerTokenVariable: 'tp_token' });
    expect(tf.variable).toHaveProperty('tp_token.sensitive', true);
  });

  it('names the TF_VAR_ to set in each variable description', () => {
    const { tf } = projectStack();
    expect(tf.variable.thingpark_client_secret.description).toContain('TF_VAR_thingpark_client_secret');
    expect(tf.variable.qubitro_webhook_signing_key.description).toContain(
      'TF_VAR_qubitro_webhook_signing_key',
    );
  });

  it('refuses an empty or whitespace-bearing secret at plan time, without showing it', () => {
    const { tf } = projectStack();
    const [validation] = tf.variable.qubitro_webhook_signing_key.validation;
    expect(validation.condition).toContain('length(var.qubitro_webhook_signing_key) > 0');
    expect(validation.condition).toContain('regexall');
    expect(validation.error_message).not.toContain('${');
  });

  it('feeds the client secret variable to the provider', () => {
    const { tf } = projectStack();
    expect(iotflowProviders(tf)[0].client_secret).toBe('${var.thingpark_client_secret}');
  });

  it('feeds the bearer token variable to the provider when no clientId is given', () => {
    const { tf } = projectStack({ clientId: undefined });
    const [provider] = iotflowProviders(tf);
    expect(provider.bearer_token).toBe('${var.thingpark_bearer_token}');
    expect(provider).not.toHaveProperty('client_secret');
  });

  it('feeds the one signing key variable to every connection', () => {
    const { tf } = projectStack();
    const keys = Object.values(connections(tf)).map((r) => r.secrets_wo['headers.webhookSigningKey']);
    expect(keys).toEqual(['${var.qubitro_webhook_signing_key}', '${var.qubitro_webhook_signing_key}']);
  });
});

describe('QubitroProjectStack connections', () => {
  it('creates one connection per entry, on the stack endpoint', () => {
    const { tf } = projectStack();
    const resources = Object.values(connections(tf));
    expect(resources.map((r) => `${r.name} via ${unhashed(r.provider)}`).sort()).toEqual([
      'Farm sensors to Qubitro (backup) via iotflow.farm_api',
      'Farm sensors to Qubitro via iotflow.farm_api',
    ]);
  });

  it('sends the stack project id by default', () => {
    const { tf } = projectStack();
    const ids = Object.values(connections(tf)).map((r) => bodyOf(r).configuration.headers.projectId);
    expect(ids).toEqual([PROJECT_ID, PROJECT_ID]);
  });

  it('sends a per-connection project id when one is given', () => {
    const other = '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b';
    const { tf } = projectStack({ connections: [{ id: 'Uplinks', name: 'Uplinks', projectId: other }] });
    const [resource] = Object.values(connections(tf));
    expect(configurationOf(resource).headers.projectId).toBe(other);
  });

  it('passes connection options through to the configuration', () => {
    const { tf } = projectStack({
      connections: [{ id: 'Uplinks', name: 'Uplinks', downlinkPort: 15, reconnectStrategy: 'CALM' }],
    });
    const [resource] = Object.values(connections(tf));
    expect(configurationOf(resource)).toMatchObject({ downlinkPort: 15, reconnectStrategy: 'CALM' });
  });

  it('passes maxRetries to the provider', () => {
    const { tf } = projectStack({ maxRetries: 5 });
    expect(iotflowProviders(tf)[0].max_retries).toBe(5);
  });

  it('passes timeoutSeconds to the provider as its request timeout', () => {
    const { tf } = projectStack({ timeoutSeconds: 120 });
    expect(iotflowProviders(tf)[0].request_timeout_seconds).toBe(120);
  });

  it('passes tokenUrl to the provider', () => {
    const tokenUrl = 'https://auth.example.com/token';
    const { tf } = projectStack({ tokenUrl });
    expect(iotflowProviders(tf)[0].token_url).toBe(tokenUrl);
  });

  it('exposes its endpoint and connections', () => {
    const { stack } = projectStack();
    expect(stack.connections.map((c) => c.node.id)).toEqual(['Uplinks', 'Backup']);
    expect(stack.api.baseUrl).toBe(BASE_URL);
  });
});

describe('QubitroProjectStack outputs', () => {
  it('has one output, mapping each connection construct id to its connection id', () => {
    const { tf } = projectStack();
    expect(Object.keys(tf.output)).toEqual(['ConnectionIds']);
    const id = (prefix: string) => Object.keys(connections(tf)).find((k) => k.startsWith(prefix));
    expect(tf.output.ConnectionIds.value).toEqual({
      Uplinks: `\${iotflow_connection.${id('Uplinks_')}.id}`,
      Backup: `\${iotflow_connection.${id('Backup_')}.id}`,
    });
  });

  it('never references a variable in an output', () => {
    const { tf } = projectStack();
    const refs = Object.values(tf.output).flatMap((o) => references((o as TfJson).value));
    expect(refs.length).toBeGreaterThanOrEqual(2);
    expect(refs.filter((r) => r.startsWith('var.'))).toEqual([]);
  });
});

describe('QubitroProjectStack synthesized files', () => {
  const PROBE = 'probe-secret-5d2b';
  const saved = { ...process.env };
  let outdir: string;

  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-stack-'));
  });
  afterEach(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  it('holds no secret set through TF_VAR_ in any file', () => {
    process.env.TF_VAR_thingpark_client_secret = PROBE;
    process.env.TF_VAR_qubitro_webhook_signing_key = PROBE;
    const app = new App({ outdir });
    new QubitroProjectStack(app, 'farm', {
      baseUrl: BASE_URL,
      clientId: 'service-account',
      projectId: PROJECT_ID,
      connections: [{ id: 'Uplinks', name: 'Farm sensors to Qubitro' }],
    });
    app.synth();

    expect(filesContaining(outdir, 'var.qubitro_webhook_signing_key').map((f) => path.basename(f))).toEqual([
      'cdk.tf.json',
      NATIVE_OVERRIDE_FILE,
    ]);
    expect(filesContaining(outdir, PROBE)).toEqual([]);
  });
});

describe('QubitroProjectStack validation', () => {
  const failure = (props: Partial<QubitroProjectStackProps>) =>
    validationError(() => projectStack(props as Partial<QubitroProjectStackProps>));

  it('refuses a connection id the engine cannot name a resource after, with the path and a fix', () => {
    const err = failure({ connections: [{ id: '9lives', name: 'Cats' }] });
    expect(err.message).toContain('farm: invalid connections[0].id: received "9lives"');
    expect(err.message).toMatch(/Fix: rename it, e\.g\. Uplinks/);
  });

  it('refuses a connection id with a space', () => {
    expect(failure({ connections: [{ id: 'has space', name: 'Spaces' }] }).message).toContain(
      'connections[0].id: received "has space"',
    );
  });

  it('refuses two connections with one id, naming the fix instead of the constructs library error', () => {
    const err = failure({
      connections: [
        { id: 'Uplinks', name: 'A' },
        { id: 'Uplinks', name: 'B' },
      ],
    });
    expect(err.message).toContain('connections: received');
    expect(err.message).toContain('give each connection its own id');
  });

  it('refuses a variable name the engine does not accept', () => {
    const err = failure({ signingKeyVariable: 'a b' });
    expect(err.message).toContain('signingKeyVariable: received "a b"');
    expect(err.message).toMatch(/Fix: write the variable's name/);
  });

  it('refuses a misspelt stack prop, naming the prop it most likely meant', () => {
    const err = failure({ signingKeyVarible: 'farm_key' } as Partial<QubitroProjectStackProps>);
    expect(err.message).toContain('Fix: rename it to signingKeyVariable');
  });
});

describe('QubitroProjectStack encryption', () => {
  it('encrypts state and plans with a PBKDF2 key from an ephemeral sensitive variable when asked', () => {
    const { tf } = projectStack({ encryptionPassphraseVariable: 'prod_state_passphrase' });
    const encryption = tf.terraform.encryption;
    expect(encryption.key_provider.pbkdf2.passphrase.passphrase).toBe('${var.prod_state_passphrase}');
    expect(encryption.state).toEqual({
      method: 'method.aes_gcm.passphrase',
      fallback: { method: 'method.unencrypted.migrate' },
    });
    expect(encryption.plan.method).toBe('method.aes_gcm.passphrase');
    expect(tf.variable.prod_state_passphrase).toMatchObject({ sensitive: true, ephemeral: true });
  });

  it('writes no encryption block by default', () => {
    expect(projectStack().tf.terraform.encryption).toBeUndefined();
  });
});

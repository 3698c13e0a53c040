import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { IotFlowApi, QubitroConnection, unsafePlaintextSecret } from '../../src';
import { NATIVE_OVERRIDE_FILE } from '../../src/native-syntax';
import {
  BASE_URL,
  filesContaining,
  iotflowProviders,
  newStack,
  oauthApi,
  onlyConnection,
  PROJECT_ID,
  secretVar,
  synth,
  TfJson,
  validationError,
} from '../support/synth';

Testing.setupJest();

const LITERAL = 'literal-secret-4f9a';

/** Each secret prop, built into a stack with `value`; returns where the value lands in the synthesized JSON. */
const secretProps: Record<
  string,
  { build: (stack: TerraformStack, value: string) => void; read: (tf: TfJson) => unknown }
> = {
  webhookSigningKey: {
    build: (stack, value) =>
      new QubitroConnection(stack, 'Uplinks', {
        api: oauthApi(stack),
        name: 'Uplinks',
        projectId: PROJECT_ID,
        webhookSigningKey: value,
      }),
    read: (tf) => onlyConnection(tf).secrets_wo['headers.webhookSigningKey'],
  },
  downlinkAsKey: {
    build: (stack, value) =>
      new QubitroConnection(stack, 'Uplinks', {
        api: oauthApi(stack),
        name: 'Uplinks',
        projectId: PROJECT_ID,
        webhookSigningKey: secretVar(stack, 'signing_key'),
        downlinkAsKey: value,
      }),
    read: (tf) => onlyConnection(tf).secrets_wo.downlinkAsKey,
  },
  clientSecret: {
    build: (stack, value) =>
      new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, clientId: 'sa', clientSecret: value }),
    read: (tf) => iotflowProviders(tf)[0].client_secret,
  },
  bearerToken: {
    build: (stack, value) => new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, bearerToken: value }),
    read: (tf) => iotflowProviders(tf)[0].bearer_token,
  },
};
const fields = Object.keys(secretProps);

describe('literal secrets', () => {
  it.each(fields)('refuses %s given as a plain string', (field) => {
    const stack = newStack();
    const err = validationError(() => secretProps[field].build(stack, LITERAL));
    expect(err.message).toContain(field);
  });

  it.each(fields)('tells how to pass %s through a sensitive TerraformVariable and TF_VAR_', (field) => {
    const stack = newStack();
    const err = validationError(() => secretProps[field].build(stack, LITERAL));
    expect(err.message).toContain('TerraformVariable');
    expect(err.message).toContain('sensitive');
    expect(err.message).toMatch(/TF_VAR_\w+/);
  });

  it.each(fields)('never repeats a refused %s in the message', (field) => {
    const stack = newStack();
    const err = validationError(() => secretProps[field].build(stack, LITERAL));
    expect(err.message).not.toContain(LITERAL);
    expect(err.message).toContain('(redacted)');
  });

  it.each(fields)('accepts %s through unsafePlaintextSecret and writes it as given', (field) => {
    const stack = newStack();
    secretProps[field].build(stack, unsafePlaintextSecret(LITERAL));
    expect(secretProps[field].read(synth(stack).tf)).toBe(LITERAL);
  });

  it.each(fields)('accepts %s as a sensitive variable and writes only the reference', (field) => {
    const stack = newStack();
    secretProps[field].build(stack, secretVar(stack, 'the_secret'));
    expect(secretProps[field].read(synth(stack).tf)).toBe('${var.the_secret}');
  });
});

describe('synthesized files', () => {
  const PROBE = 'probe-secret-7c1e';
  let outdir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-synth-'));
  });
  afterEach(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  it('holds no secret given through TF_VAR_ variables', () => {
    process.env.TF_VAR_client_secret = PROBE;
    process.env.TF_VAR_signing_key = PROBE;
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'project');
    const api = new IotFlowApi(stack, 'Api', {
      baseUrl: BASE_URL,
      clientId: 'sa',
      clientSecret: secretVar(stack, 'client_secret'),
    });
    new QubitroConnection(stack, 'Uplinks', {
      api,
      name: 'Uplinks',
      projectId: PROJECT_ID,
      webhookSigningKey: secretVar(stack, 'signing_key'),
    });
    app.synth();

    expect(filesContaining(outdir, 'var.signing_key').map((f) => path.basename(f))).toEqual([
      'cdk.tf.json',
      NATIVE_OVERRIDE_FILE,
    ]);
    expect(filesContaining(outdir, PROBE)).toEqual([]);
  });

  it('holds a secret given through unsafePlaintextSecret, as documented', () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'project');
    new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, bearerToken: unsafePlaintextSecret(PROBE) });
    app.synth();

    expect(filesContaining(outdir, PROBE).map((f) => path.relative(outdir, f))).toEqual([
      path.join('stacks', 'project', 'cdk.tf.json'),
    ]);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { IotFlowApi, IotFlowConnection, QubitroConnection } from '../../src';
import { NATIVE_OVERRIDE_FILE, nativeExpression, renderNativeOverride } from '../../src/native-syntax';
import { secretVar } from '../support/synth';

const BASE_URL = 'https://community.thingpark.io/iot-flow/v1';

describe('nativeExpression', () => {
  it('quotes a literal, escaping backslashes, quotes and control characters', () => {
    expect(nativeExpression('a "b" \\ c\nd\te\u0001 é →')).toBe('"a \\"b\\" \\\\ c\\nd\\te\\u0001 é →"');
  });

  it('keeps the $${ and %%{ escapes of a JSON template, which mean the same in a quoted string', () => {
    expect(nativeExpression('costs $${price} at 100%%{x}')).toBe('"costs $${price} at 100%%{x}"');
  });

  it('writes a string that is one plain reference bare', () => {
    expect(nativeExpression('${iotflow_connection.Uplinks_A1.id}')).toBe('iotflow_connection.Uplinks_A1.id');
    expect(nativeExpression('${data.x.y.items[0].id}')).toBe('data.x.y.items[0].id');
  });

  it.each([
    ['text around an interpolation', 'id ${var.x}'],
    ['a function call', '${jsonencode(var.x)}'],
    ['a directive', '%{ if true }x%{ endif }'],
    ['a run of three $', 'a $$${x}'],
    ['an interpolation in an object key', { '${var.k}': 1 }],
    ['an interpolation in a list item', ['a', 'b ${var.x}']],
  ])('gives up on %s', (_, value) => {
    expect(nativeExpression(value)).toBeUndefined();
  });

  it('writes numbers, booleans, null, lists and objects', () => {
    expect(nativeExpression({ 'a.b': [1, true, null], c: {} })).toBe('{ "a.b" = [1, true, null], "c" = {} }');
  });

  it('writes a long list one item a line', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `\${iotflow_connection.C${i}.id}`);
    const text = nativeExpression(ids)!;
    expect(text.split('\n')).toHaveLength(22);
    expect(text.split('\n')[1]).toBe('    iotflow_connection.C0.id,');
  });
});

describe('renderNativeOverride', () => {
  const tf = {
    resource: {
      iotflow_connection: {
        Up_1: {
          '//': { metadata: { path: 'p/Up' } },
          name: 'Up',
          configuration: '{"description":"x"}',
          alarms: '${jsonencode(var.alarms)}',
          provider: 'iotflow.api',
          depends_on: ['terraform_data.x'],
          lifecycle: { precondition: [{ condition: '${true}', error_message: 'm' }] },
        },
      },
      other_thing: { A: { name: 'kept in JSON' } },
    },
    data: {
      iotflow_connections: { Read_2: { ids: ['${iotflow_connection.Up_1.id}'], depends_on: ['x.y'] } },
    },
    output: { Ids: { value: { Up: '${iotflow_connection.Up_1.id}' }, description: 'd' } },
  };
  const text = renderNativeOverride(tf)!;

  it('overrides the attributes of the connections, the read-back and the output values', () => {
    expect(text).toContain('resource "iotflow_connection" "Up_1" {\n  name = "Up"\n  configuration = ');
    expect(text).toContain('data "iotflow_connections" "Read_2" {\n  ids = [iotflow_connection.Up_1.id]\n}');
    expect(text).toContain('output "Ids" {\n  value = { "Up" = iotflow_connection.Up_1.id }\n}');
  });

  it('leaves meta-arguments, which an override may not change, and what does not render, to cdk.tf.json', () => {
    for (const absent of ['provider', 'depends_on', 'lifecycle', 'metadata', 'alarms', 'description = ']) {
      expect(text).not.toContain(absent);
    }
  });

  it('leaves blocks of types whose schema it does not know to cdk.tf.json', () => {
    expect(text).not.toContain('other_thing');
  });

  it('writes nothing for a stack without connections or outputs', () => {
    expect(renderNativeOverride({ resource: { other_thing: { A: { name: 'x' } } } })).toBeUndefined();
  });
});

describe('a synthesized stack', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-syntax-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  /** Synthesizes stack `farm` with one endpoint and what `add` declares on it; its override file's text. */
  function synthFarm(add: (stack: TerraformStack, api: IotFlowApi) => void): string | undefined {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'farm');
    add(stack, new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, bearerToken: secretVar(stack, 'token') }));
    app.synth();
    const file = path.join(outdir, 'stacks', 'farm', NATIVE_OVERRIDE_FILE);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  }

  it('has iotflow_override.tf beside cdk.tf.json, holding each connection', () => {
    const text = synthFarm((stack, api) => {
      new QubitroConnection(stack, 'Uplinks', {
        api,
        name: 'Farm uplinks',
        projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
        webhookSigningKey: secretVar(stack, 'key'),
      });
    });

    expect(text).toMatch(/resource "iotflow_connection" "Uplinks_\w+" \{\n {2}brand = "QUBITRO"/);
    expect(text).toContain('"headers.webhookSigningKey" = var.key');
  });

  it('keeps user text as data: a ${ in a description stays escaped', () => {
    const text = synthFarm((stack, api) => {
      new IotFlowConnection(stack, 'Raw', {
        api,
        name: 'Raw',
        connectorId: 'actility-http-iot',
        configuration: { description: 'not ${var.token} nor %{ if x }' },
      });
    });

    expect(text).toContain('\\"description\\":\\"not $${var.token} nor %%{ if x }\\"');
  });

  it('removes an override file left by an earlier synth once nothing renders', () => {
    const stackDir = path.join(outdir, 'stacks', 'farm');
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(path.join(stackDir, NATIVE_OVERRIDE_FILE), 'resource "iotflow_connection" "Gone" {}\n');

    expect(synthFarm(() => undefined)).toBeUndefined();
  });
});

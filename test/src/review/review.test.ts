import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformVariable } from 'cdktf';
import {
  buildReview,
  checkPlanJson,
  QubitroProjectStack,
  readSynthesizedStacks,
  reviewMarkdown,
  stackOfPlan,
  SynthesizedStack,
  unsafePlaintextSecret,
} from '../../../src';
import { main } from '../../../src/review/cli';
import { run } from '../../support/engine';
import { TfJson } from '../../support/synth';
import { baseConfig, FARM_PROD_PROJECT, synthesize } from '../environments/fixture';
import { connectionChange, connectionsOf, planOf, resolved } from './plans';

const ROOT = path.resolve(__dirname, '../../..');
const KEY = 'old-signing-key-5e1f0a';
const NEW_KEY = 'new-signing-key-93c4d2';
const CLIENT_SECRET = 'client-secret-77ab20';

let outdir: string;
let stacks: SynthesizedStack[];
const tmp: string[] = [];

beforeAll(() => {
  outdir = synthesize(baseConfig()).outdir;
  stacks = readSynthesizedStacks(outdir);
});

afterAll(() => {
  for (const dir of [outdir, ...tmp]) fs.rmSync(dir, { recursive: true, force: true });
});

const tfOf = (name: string): TfJson => stacks.find((s) => s.name === name)!.tf;
const devFarm = () => tfOf('dev-farm');
const bodyOf = (tf: TfJson, name: string) => connectionsOf(tf).find((c) => c.body.name === name)!;

/** The dev-farm plan after a deploy: `edit` changes what the code now declares for each connection. */
function devFarmPlan(
  change: (c: { address: string; body: TfJson }) => TfJson | undefined,
  variables = { dev_farm_signing_key: KEY, dev_thingpark_client_secret: CLIENT_SECRET },
): TfJson {
  const changes = connectionsOf(devFarm())
    .map((c) => change(c))
    .filter((rc) => rc !== undefined);
  return planOf(devFarm(), changes, variables);
}

function noOp(c: { address: string; body: TfJson }): TfJson {
  const body = resolved(c.body, { dev_farm_signing_key: KEY });
  return connectionChange(c.address, ['no-op'], body, body);
}

function review(plan?: TfJson): string {
  return reviewMarkdown(stacks, plan ? [{ file: 'plan.json', stack: 'dev-farm', plan }] : []);
}

/** The table row of a connection (by name) in the Markdown. */
function row(markdown: string, name: string): string {
  const line = markdown.split('\n').find((l) => l.startsWith('|') && l.includes(name));
  if (!line) throw new Error(`no row for ${name} in:\n${markdown}`);
  return line;
}

describe('a review of cdktf.out', () => {
  it('has a heading per environment, in the config order, and one per stack under it', () => {
    const headings = review()
      .split('\n')
      .filter((l) => l.startsWith('###'));
    expect(headings).toEqual([
      '### Environment `dev`',
      '#### `dev-farm` — project `farm` · `http://127.0.0.1:8787/iot-flow/v1`',
      '#### `dev-fleet` — project `fleet` · `http://127.0.0.1:8787/iot-flow/v1`',
      '### Environment `prod`',
      '#### `prod-farm` — project `farm` · `https://community.thingpark.io/iot-flow/v1`',
    ]);
  });

  it('shows each connection with its name, id, project, destination and options', () => {
    const prod = review().split('### Environment `prod`')[1];
    expect(row(prod, 'Farm uplinks')).toBe(
      '| Farm uplinks<br>`Uplinks` | `6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f` | Qubitro (default) | ' +
        '`reconnectStrategy: "CALM"`<br>`uplinkTimeValidity: "5m"` | signing key (from `TF_VAR_prod_farm_signing_key`) |',
    );
    expect(prod).toContain(FARM_PROD_PROJECT);
  });

  it('says the review is from the code alone when no plan is given', () => {
    expect(review()).toContain('3 stacks in 2 environments, from the synthesized code (no plan given).');
  });

  it('lists a stack that is not an environment stack under Stacks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-plain-'));
    tmp.push(dir);
    const app = new App({ outdir: dir });
    new QubitroProjectStack(app, 'farm-sensors', {
      baseUrl: 'https://community.thingpark.io/iot-flow/v1',
      clientId: 'ops',
      projectId: '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b',
      connections: [
        { id: 'Uplinks', name: 'Farm sensors to Qubitro', destinationUrl: 'https://example.com/hook' },
      ],
    });
    app.synth();
    const markdown = reviewMarkdown(readSynthesizedStacks(dir), []);
    expect(markdown).toContain(
      '### Stacks\n\n#### `farm-sensors` — `https://community.thingpark.io/iot-flow/v1`',
    );
    expect(row(markdown, 'Farm sensors to Qubitro')).toContain('| https://example.com/hook |');
  });

  it('never shows a secret written in plain text with unsafePlaintextSecret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-plaintext-'));
    tmp.push(dir);
    const app = new App({ outdir: dir });
    const stack = new QubitroProjectStack(app, 'farm', {
      baseUrl: 'https://community.thingpark.io/iot-flow/v1',
      clientId: 'ops',
      projectId: '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b',
      connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],
    });
    new TerraformVariable(stack, 'unused', {
      type: 'string',
      sensitive: true,
      default: 'variable-default-4c1b',
    });
    stack.connections[0].resource.addOverride(
      'body.configuration.headers.webhookSigningKey',
      unsafePlaintextSecret('plaintext-key-8d20e6'),
    );
    app.synth();
    const markdown = reviewMarkdown(readSynthesizedStacks(dir), []);
    expect(row(markdown, 'Farm uplinks')).toContain(
      'signing key (from plain text in cdk.tf.json (unsafePlaintextSecret))',
    );
    expect(fs.readFileSync(path.join(dir, 'stacks/farm/cdk.tf.json'), 'utf8')).toContain(
      'plaintext-key-8d20e6',
    );
    expect(markdown).not.toContain('plaintext-key-8d20e6');
  });

  it('keeps the table whole when a name holds Markdown characters', () => {
    const config = baseConfig();
    config.projects[1].connections[0].name = 'Fleet | trackers *new* <b>';
    const dir = synthesize(config).outdir;
    tmp.push(dir);
    const line = row(reviewMarkdown(readSynthesizedStacks(dir), []), 'Fleet');
    expect(line).toContain('Fleet \\| trackers \\*new\\* &lt;b&gt;');
    expect(line.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});

describe('a review with a plan', () => {
  it('shows an update with the fields that change and a rotated signing key', () => {
    const plan = devFarmPlan((c) => {
      if (c.body.name !== 'Farm uplinks') return noOp(c);
      const before = resolved(
        { ...c.body, configuration: { ...c.body.configuration, description: 'a' } },
        {
          dev_farm_signing_key: KEY,
        },
      );
      const after = resolved(
        { ...c.body, configuration: { ...c.body.configuration, description: 'b' } },
        {
          dev_farm_signing_key: NEW_KEY,
        },
      );
      return connectionChange(c.address, ['update'], before, after);
    });
    const line = row(review(plan), 'Farm uplinks');
    expect(line).toMatch(/^\| \*\*update\*\* \|/);
    expect(line).toContain('`description`: `"a"` → `"b"`<br>signing key: rotated |');
    expect(line).toContain('signing key: **rotated** (from `TF_VAR_dev_farm_signing_key`)');
  });

  it('shows an unchanged key as unchanged, and not among the changes', () => {
    const markdown = review(devFarmPlan(noOp));
    expect(row(markdown, 'Farm uplinks')).toContain('signing key: **unchanged**');
    expect(row(markdown, 'Farm uplinks')).toMatch(/\| — \|$/);
    expect(markdown).toContain('Plan: 2 to leave unchanged.');
  });

  it('shows a created connection with its key set', () => {
    const plan = devFarmPlan((c) =>
      connectionChange(c.address, ['create'], null, resolved(c.body, { dev_farm_signing_key: KEY })),
    );
    expect(row(review(plan), 'Farm debug feed')).toMatch(/^\| \*\*create\*\* \|.*signing key: \*\*set\*\*/);
  });

  it('shows a connection removed from the code, from its state, with its key removed', () => {
    const gone = resolved(
      { ...bodyOf(devFarm(), 'Farm uplinks').body, name: 'Old barn feed', active: false },
      { dev_farm_signing_key: KEY },
    );
    const plan = devFarmPlan(noOp);
    plan.resource_changes.push(connectionChange('restful_resource.Barn_1A2B3C4D', ['delete'], gone, null));
    const line = row(review(plan), 'Old barn feed');
    expect(line).toBe(
      '| **delete** | Old barn feed<br>`Barn` | `aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4` | Qubitro (default) | ' +
        '`active: false`<br>`uplinkTimeValidity: "5m"` | signing key: **removed** | — |',
    );
  });

  it.each([
    [['delete', 'create'], undefined, 'replace'],
    [['no-op'], { id: '{}' }, 'import'],
    [['update'], { id: '{}' }, 'import, update'],
  ])('names the actions %j (importing: %j) %s', (actions, importing, expected) => {
    const plan = devFarmPlan((c) => {
      const body = resolved(c.body, { dev_farm_signing_key: KEY });
      return connectionChange(c.address, actions, body, body, { importing });
    });
    expect(row(review(plan), 'Farm uplinks')).toMatch(new RegExp(`^\\| \\*\\*${expected}\\*\\* \\|`));
  });

  it('never shows a field the plan marks sensitive, only whether it changed', () => {
    const plan = devFarmPlan((c) => {
      const marks = { body: { configuration: { description: true, headers: { webhookSigningKey: true } } } };
      const with_ = (d: string) =>
        resolved(
          { ...c.body, configuration: { ...c.body.configuration, description: d } },
          {
            dev_farm_signing_key: KEY,
          },
        );
      return connectionChange(c.address, ['update'], with_('marked-old-31f'), with_('marked-new-8a2'), {
        beforeSensitive: marks,
        afterSensitive: marks,
      });
    });
    const markdown = review(plan);
    expect(row(markdown, 'Farm uplinks')).toContain('configuration.description: rotated');
    expect(markdown).not.toMatch(/marked-(old|new)/);
  });

  it('shows nothing of a body the plan marks sensitive as a whole', () => {
    const plan = devFarmPlan((c) => {
      const body = resolved(c.body, { dev_farm_signing_key: KEY });
      return connectionChange(c.address, ['update'], { ...body, name: 'hidden-name-0d1' }, body, {
        beforeSensitive: { body: true },
        afterSensitive: { body: true },
      });
    });
    const markdown = review(plan);
    expect(markdown).not.toContain('hidden-name-0d1');
    expect(markdown).toContain('body: rotated');
  });

  it('shows a field known only after apply as such', () => {
    const plan = devFarmPlan((c) => {
      const body = resolved(c.body, { dev_farm_signing_key: KEY });
      return connectionChange(
        c.address,
        ['update'],
        body,
        { ...body, active: null },
        {
          afterUnknown: { body: { active: true } },
        },
      );
    });
    expect(row(review(plan), 'Farm uplinks')).toContain('`active`: added (known after apply)');
  });

  it('says which stacks no plan was given for', () => {
    const [, prod] = review(devFarmPlan(noOp)).split('### Environment `prod`');
    expect(prod.trim().split('\n').pop()).toBe('_No plan given for this stack: from the code only._');
  });

  it('counts the plan of each stack it was given', () => {
    expect(review(devFarmPlan(noOp))).toContain(
      '3 stacks in 2 environments; plan of 1 stack: 2 to leave unchanged.',
    );
  });
});

describe('matching a plan to its stack', () => {
  const input = (file: string, plan: TfJson, stack?: string) => ({ file, plan, stack });

  it('takes the stack named before =', () => {
    expect(stackOfPlan(input('p.json', {}, 'prod-farm'), stacks).name).toBe('prod-farm');
  });

  it('takes the stacks/<name>/ folder the plan file is in', () => {
    expect(stackOfPlan(input('cdktf.out/stacks/dev-fleet/plan.json', {}), stacks).name).toBe('dev-fleet');
  });

  it('otherwise finds the one stack with the same variables and resources', () => {
    const plan = planOf(tfOf('prod-farm'), [], {});
    expect(stackOfPlan(input('plan.json', plan), stacks).name).toBe('prod-farm');
  });

  it('refuses a plan that matches no stack, saying how to name it', () => {
    expect(() => stackOfPlan(input('plan.json', planOf({}, [], {})), stacks)).toThrow(
      'plan.json: matches no stack of cdktf.out; name it with --plan <stack>=plan.json',
    );
  });

  it('refuses two plans of one stack', () => {
    const plan = planOf(devFarm(), [], {});
    expect(() => buildReview(stacks, [input('a.json', plan), input('b.json', plan, 'dev-farm')])).toThrow(
      'b.json and a.json are both plans of stack dev-farm',
    );
  });

  it('refuses JSON that is not a plan, such as the state', () => {
    expect(() => checkPlanJson('state.json', { format_version: '1.0', values: {} })).toThrow(
      'state.json is not a plan in JSON',
    );
  });
});

describe('the qubitro-review command', () => {
  function cli(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = main(
      args,
      (t) => (stdout += t),
      (t) => (stderr += t),
    );
    return { code, stdout, stderr };
  }

  function planFile(plan: TfJson): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-plan-'));
    tmp.push(dir);
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    return path.join(dir, 'plan.json');
  }

  it('prints the review of --out and each --plan on stdout', () => {
    const r = cli('--out', outdir, '--plan', `dev-farm=${planFile(devFarmPlan(noOp))}`);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Plan: 2 to leave unchanged.');
    expect(r.stdout).not.toContain(KEY);
    expect(r.stdout).not.toContain(CLIENT_SECRET);
  });

  it('exits 2 with the usage on an unknown option', () => {
    const r = cli('--verbose');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: qubitro-review');
  });

  it('exits 1 naming a missing cdktf.out', () => {
    const r = cli('--out', '/nowhere');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nowhere/manifest.json not found: run `cdktf synth` first');
  });

  it('refuses a plan file that is not JSON without quoting it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-bad-'));
    tmp.push(dir);
    fs.writeFileSync(path.join(dir, 'plan.json'), `{"variables": {"k": "${NEW_KEY}"}`);
    const r = cli('--out', outdir, '--plan', path.join(dir, 'plan.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plan.json is not valid JSON');
    expect(r.stderr).not.toContain(NEW_KEY);
  });

  it('runs as the npm script does, with tsx', async () => {
    const r = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['src/review/cli.ts', '--out', outdir],
      ROOT,
      process.env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(cli('--out', outdir).stdout);
  });
});

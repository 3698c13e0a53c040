import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformVariable } from 'cdktf';
import { QubitroProjectStack, unsafePlaintextSecret } from '../../../src';
import {
  buildReview,
  readSynthesizedStacks,
  ReviewError,
  reviewMarkdown,
  SynthesizedStack,
} from '../../../src/review';
import { checkPlanJson, stackOfPlan } from '../../../src/review/plan';
import { main } from '../../../src/review/cli';
import { run } from '../../support/engine';
import { TfJson } from '../../support/synth';
import { baseConfig, FARM_PROD_PROJECT, synthesize } from '../environments/fixture';
import {
  connectionChange,
  connectionsOf,
  fingerprintOf,
  pending,
  planOf,
  planValues,
  withConfiguration,
} from './plans';

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
type Connection = ReturnType<typeof connectionsOf>[number];
const connectionNamed = (tf: TfJson, name: string) =>
  connectionsOf(tf).find((c) => c.resource.name === name)!;

/** The values of a dev-farm connection as the plan holds them (the signing key variable resolved). */
function deployed(c: Connection): TfJson {
  return planValues(c.resource, { dev_farm_signing_key: KEY });
}

/** The dev-farm plan after a deploy: `change` gives the resource change of each connection, if any. */
function devFarmPlan(
  change: (c: Connection) => TfJson | undefined,
  variables = { dev_farm_signing_key: KEY, dev_thingpark_client_secret: CLIENT_SECRET },
): TfJson {
  const changes = connectionsOf(devFarm())
    .map((c) => change(c))
    .filter((rc) => rc !== undefined);
  return planOf(devFarm(), changes, variables);
}

function noOp(c: Connection): TfJson {
  return connectionChange(c.address, ['no-op'], deployed(c), deployed(c));
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
    stack.connections[0].resource.addOverride('secrets_wo', {
      'headers.webhookSigningKey': unsafePlaintextSecret('plaintext-key-8d20e6'),
    });
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
      if (c.resource.name !== 'Farm uplinks') return noOp(c);
      const before = withConfiguration(deployed(c), { description: 'a' });
      const after = pending(withConfiguration(deployed(c), { description: 'b' }));
      return connectionChange(c.address, ['update'], before, after);
    });
    const line = row(review(plan), 'Farm uplinks');
    expect(line).toMatch(/^\| \*\*update\*\* \|/);
    expect(line).toContain('`description`: `"a"` → `"b"`<br>signing key: rotated |');
    expect(line).toContain('signing key: **rotated** (from `TF_VAR_dev_farm_signing_key`)');
  });

  it('shows a key whose fingerprint the plan changes as rotated', () => {
    const plan = devFarmPlan((c) => {
      const after = { ...deployed(c), secrets_fingerprint: fingerprintOf('b') };
      return connectionChange(c.address, ['update'], deployed(c), after);
    });
    expect(row(review(plan), 'Farm uplinks')).toContain('signing key: **rotated**');
  });

  it('shows an update that keeps the fingerprint with its key unchanged, and not among the changes', () => {
    const plan = devFarmPlan((c) =>
      connectionChange(c.address, ['update'], deployed(c), { ...deployed(c), active: false }),
    );
    const line = row(review(plan), 'Farm uplinks');
    expect(line).toContain('signing key: **unchanged**');
    expect(line).toMatch(/\| `active`: added `false` \|$/);
  });

  it('shows an unchanged key as unchanged, and not among the changes', () => {
    const markdown = review(devFarmPlan(noOp));
    expect(row(markdown, 'Farm uplinks')).toContain('signing key: **unchanged**');
    expect(row(markdown, 'Farm uplinks')).toMatch(/\| — \|$/);
    expect(markdown).toContain('Plan: 2 to leave unchanged.');
  });

  it('shows a created connection with its key set', () => {
    const plan = devFarmPlan((c) =>
      connectionChange(c.address, ['create'], null, pending({ ...deployed(c), id: undefined })),
    );
    expect(row(review(plan), 'Farm debug feed')).toMatch(/^\| \*\*create\*\* \|.*signing key: \*\*set\*\*/);
  });

  it('shows a connection removed from the code, from its state', () => {
    const gone = {
      ...deployed(connectionNamed(devFarm(), 'Farm uplinks')),
      name: 'Old barn feed',
      active: false,
    };
    const plan = devFarmPlan(noOp);
    plan.resource_changes.push(connectionChange('iotflow_connection.Barn_1A2B3C4D', ['delete'], gone, null));
    const line = row(review(plan), 'Old barn feed');
    expect(line).toMatch(
      /^\| \*\*delete\*\* \| Old barn feed<br>`Barn` \| `aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4` \| Qubitro \(default\) \| /,
    );
    expect(line).toContain('| `active: false`<br>`uplinkTimeValidity: "5m"` |');
  });

  it('shows the secrets of a connection removed from the code as removed, together', () => {
    const gone = { ...deployed(connectionNamed(devFarm(), 'Farm uplinks')), name: 'Old barn feed' };
    const plan = devFarmPlan(noOp);
    plan.resource_changes.push(connectionChange('iotflow_connection.Barn_1A2B3C4D', ['delete'], gone, null));
    expect(row(review(plan), 'Old barn feed')).toContain('secrets: **removed**');
  });

  it.each([
    [['delete', 'create'], undefined, 'replace'],
    [['no-op'], { id: '1001' }, 'import'],
    [['update'], { id: '1001' }, 'import, update'],
  ])('names the actions %j (importing: %j) %s', (actions, importing, expected) => {
    const plan = devFarmPlan((c) =>
      connectionChange(c.address, actions, deployed(c), deployed(c), { importing }),
    );
    expect(row(review(plan), 'Farm uplinks')).toMatch(new RegExp(`^\\| \\*\\*${expected}\\*\\* \\|`));
  });

  it('never shows a configuration the plan marks sensitive, only that it changed', () => {
    // A sensitive (non-ephemeral) variable inside the configuration marks the whole JSON string sensitive.
    const plan = devFarmPlan((c) => {
      const marks = { configuration: true, secrets_wo: true };
      return connectionChange(
        c.address,
        ['update'],
        withConfiguration(deployed(c), { description: 'marked-old-31f' }),
        withConfiguration(deployed(c), { description: 'marked-new-8a2' }),
        { beforeSensitive: marks, afterSensitive: marks },
      );
    });
    const markdown = review(plan);
    expect(row(markdown, 'Farm uplinks')).toContain('`configuration`: changed (holds a secret, not shown)');
    expect(markdown).not.toMatch(/marked-(old|new)/);
  });

  it('never shows a former name the plan marks sensitive, only that it changed', () => {
    const plan = devFarmPlan((c) =>
      connectionChange(c.address, ['update'], { ...deployed(c), name: 'hidden-name-0d1' }, deployed(c), {
        beforeSensitive: { name: true, secrets_wo: true },
      }),
    );
    const markdown = review(plan);
    expect(markdown).not.toContain('hidden-name-0d1');
    expect(row(markdown, 'Farm uplinks')).toContain('`name`: changed (holds a secret, not shown)');
  });

  it('shows a field known only after apply as such', () => {
    const plan = devFarmPlan((c) =>
      connectionChange(
        c.address,
        ['update'],
        deployed(c),
        { ...deployed(c), active: null },
        {
          afterUnknown: { active: true },
        },
      ),
    );
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

describe('unreadable inputs', () => {
  /** A copy of the synthesized app whose `dev-farm` cdk.tf.json `damage` rewrites. */
  function damagedCopy(damage: (file: string) => void): { dir: string; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-damaged-'));
    tmp.push(dir);
    fs.cpSync(outdir, dir, { recursive: true });
    const file = path.join(dir, 'stacks', 'dev-farm', 'cdk.tf.json');
    damage(file);
    return { dir, file };
  }

  it('fail with a ReviewError naming a cdk.tf.json that is not JSON, without quoting it', () => {
    const { dir, file } = damagedCopy((f) =>
      fs.writeFileSync(f, `{"variable": {"k": {"default": "${NEW_KEY}"`),
    );
    const err = (() => {
      try {
        readSynthesizedStacks(dir);
      } catch (e) {
        return e as ReviewError;
      }
      throw new Error('expected a ReviewError');
    })();
    expect(err).toBeInstanceOf(ReviewError);
    expect(err.file).toBe(file);
    expect(err.message).toBe(
      `${file} is not valid JSON: synthesize the app again (\`cdktf synth\`, \`cdktn synth\`)`,
    );
    expect(err.message).not.toContain(NEW_KEY);
  });

  it('fail with a ReviewError naming a stack file the manifest lists but the folder lacks', () => {
    const { dir, file } = damagedCopy((f) => fs.rmSync(f));
    expect(() => readSynthesizedStacks(dir)).toThrow(new ReviewError(`cannot read ${file} (ENOENT)`, file));
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

  it('exits 1 with the usage on an unknown option', () => {
    const r = cli('--verbose');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Usage: qubitro-review');
  });

  it('exits 1 naming a missing cdktf.out', () => {
    const r = cli('--out', '/nowhere');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nowhere/manifest.json not found: run `cdktf synth` (`cdktn synth`) first');
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

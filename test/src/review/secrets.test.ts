/**
 * Property-style: over many random stacks and plans (random secrets, actions, sensitivity marks, plain-text
 * secrets in cdk.tf.json, a secret copied into an unmarked field), no secret ever appears in the review.
 */
import { buildReview, reviewMarkdown } from '../../../src';
import { TfJson } from '../../support/synth';
import { connectionChange, planOf } from './plans';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof random>;

// Secrets use the characters Markdown, JSON and the table escape, so every escaped form is exercised.
const SECRET_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789|*_<>"\\`${}#~[]-+/=é€';
const WORDS = ['farm', 'barn', 'north', 'sensors', 'fleet', 'trackers', 'pumps', 'backup', 'uplinks', 'silo'];
const ACTIONS = [['create'], ['update'], ['delete'], ['no-op'], ['delete', 'create']];

function secret(r: Random): string {
  return Array.from({ length: r.int(12, 40) }, () => r.pick([...SECRET_CHARS])).join('');
}

interface Case {
  tf: TfJson;
  plan: TfJson;
  secrets: string[];
  names: string[];
}

/** A random stack and plan; `copies` puts a secret into fields no mark covers, for the final scrub. */
function randomCase(seed: number, copies = true): Case {
  const r = random(seed);
  const key = secret(r);
  const newKey = r.chance(0.5) ? secret(r) : key;
  const client = secret(r);
  const downlink = secret(r);
  const marked = secret(r);
  const plaintext = r.chance(0.2);
  const secrets = [key, newKey, client, downlink, marked];
  const names: string[] = [];
  const resources: Record<string, TfJson> = {};
  const changes: TfJson[] = [];
  const values = { signing_key: key, client_secret: client, downlink_key: downlink, note: marked };
  for (let i = 0; i < r.int(1, 3); i++) {
    const name = `${r.pick(WORDS)} ${r.pick(WORDS)} ${i}`;
    names.push(name);
    // The code refers to variables; the plan holds their values (some unmarked, for the final scrub).
    const noted = r.chance(0.3);
    const copied = copies && r.chance(0.2);
    const withDownlink = r.chance(0.5);
    const plain = `${r.pick(WORDS)} feed`;
    const body = (k: string, withSecrets: boolean, copy = '${var.client_secret}'): TfJson => ({
      name,
      connectorId: 'actility-http-iot',
      brand: 'QUBITRO',
      configuration: {
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: {
          projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',
          webhookSigningKey: withSecrets ? k : plaintext ? key : '${var.signing_key}',
        },
        description: noted ? (withSecrets ? marked : '${var.note}') : plain,
        ...(withDownlink ? { downlinkAsKey: withSecrets ? downlink : '${var.downlink_key}' } : {}),
        // A secret copied into a field no mark covers: only the final scrub catches it.
        ...(copied ? { downlinkAsId: copy } : {}),
        uplinkTimeValidity: `${r.int(1, 59)}m`,
      },
      ...(r.chance(0.3) ? { active: r.chance(0.5) } : {}),
    });
    const logicalId = `C${i}_0000000${i}`;
    const declared = body(key, false);
    resources[logicalId] = {
      '//': { metadata: { path: `s/C${i}/Resource` } },
      path: '/connections',
      provider: 'restful.s_api',
      body: declared,
      write_only_attrs: ['configuration.headers.webhookSigningKey', 'configuration.downlinkAsKey'],
    };
    const actions = r.pick(ACTIONS);
    const before = actions[0] === 'create' ? null : body(key, true, 'as-0');
    const after = actions[0] === 'delete' && actions.length === 1 ? null : body(newKey, true, client);
    const marks = (b: TfJson | null): TfJson | undefined =>
      b === null
        ? undefined
        : {
            body: {
              configuration: {
                headers: { webhookSigningKey: true },
                ...(b.configuration.description === marked ? { description: true } : {}),
                ...(r.chance(0.5) ? { downlinkAsKey: true } : {}),
              },
            },
          };
    changes.push(
      connectionChange(`restful_resource.${logicalId}`, actions, before, after, {
        beforeSensitive: marks(before),
        afterSensitive: r.chance(0.1) ? { body: true } : marks(after),
        afterUnknown: r.chance(0.2) ? { body: { configuration: { description: true } } } : { output: true },
      }),
    );
  }
  // A connection only the state knows (deleted from the code), with its secrets.
  const gone = {
    name: 'gone feed',
    configuration: {
      headers: { webhookSigningKey: key },
      description: marked,
      ...(copies ? { downlinkAsId: client } : {}),
    },
  };
  changes.push(
    connectionChange('restful_resource.Gone_00000009', ['delete'], gone, null, {
      beforeSensitive: {
        body: { configuration: { headers: { webhookSigningKey: true }, description: true } },
      },
    }),
  );
  const tf: TfJson = {
    '//': { qubitro: { environment: 'dev', project: 'farm' } },
    provider: {
      restful: [
        {
          alias: 's_api',
          base_url: 'https://community.thingpark.io/iot-flow/v1',
          security: {
            oauth2: {
              client_credentials: {
                client_id: 'ops',
                client_secret: plaintext ? client : '${var.client_secret}',
              },
            },
          },
        },
      ],
    },
    variable: Object.fromEntries(Object.keys(values).map((v) => [v, { type: 'string', sensitive: true }])),
    resource: { restful_resource: resources },
  };
  return { tf, plan: planOf(tf, changes, { ...values, signing_key: newKey }), secrets, names };
}

describe('the review, for any input', () => {
  const CASES = 300;

  it(`never shows a secret, over ${CASES} random stacks and plans`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const c = randomCase(seed);
      const outputs = [
        reviewMarkdown([{ name: 'dev-farm', tf: c.tf }], []),
        reviewMarkdown(
          [{ name: 'dev-farm', tf: c.tf }],
          [{ file: 'plan.json', stack: 'dev-farm', plan: c.plan }],
        ),
      ];
      for (const output of outputs) {
        for (const s of c.secrets) {
          if (output.includes(s)) throw new Error(`seed ${seed}: secret ${JSON.stringify(s)} in:\n${output}`);
        }
      }
    }
  });

  it(`carries no secret in the review model itself, before the final scrub, over ${CASES} cases`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const c = randomCase(seed, false);
      const model = JSON.stringify(
        buildReview(
          [{ name: 'dev-farm', tf: c.tf }],
          [{ file: 'plan.json', stack: 'dev-farm', plan: c.plan }],
        ),
      );
      const leaked = c.secrets.filter((s) => model.includes(JSON.stringify(s).slice(1, -1)));
      if (leaked.length) throw new Error(`seed ${seed}: ${JSON.stringify(leaked)} in the model ${model}`);
    }
  });

  it('still shows what is not secret, so the check above is not vacuous', () => {
    const c = randomCase(7);
    const output = reviewMarkdown(
      [{ name: 'dev-farm', tf: c.tf }],
      [{ file: 'plan.json', stack: 'dev-farm', plan: c.plan }],
    );
    expect(c.names.filter((name) => output.includes(name)).length).toBeGreaterThan(0);
    expect(output).toContain('gone feed');
    expect(output).toMatch(/signing key: \*\*(set|rotated|unchanged|removed)\*\*/);
  });
});

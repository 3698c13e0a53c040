/**
 * Property-style: over many random stacks and plans (random secrets, actions, sensitivity marks, plain-text
 * secrets in cdk.tf.json, a sensitive variable inside a configuration, a secret copied into an unmarked
 * field, raw, URL-encoded or base64), no secret ever appears in the review, in any form (raw, JSON- or Markdown-escaped, URL-encoded,
 * base64).
 */
import { buildReview, reviewMarkdown } from '../../../src/review';
import { expectNoSecrets } from '../../support/secret-forms';
import { TfJson } from '../../support/synth';
import { connectionChange, fingerprintOf, planOf } from './plans';

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
/** How a secret copied into an unmarked field may be written there. */
const ENCODINGS: ((secret: string) => string)[] = [
  (secret) => secret,
  (secret) => `https://hooks.example/in?key=${encodeURIComponent(secret)}`,
  (secret) => Buffer.from(secret).toString('base64'),
  (secret) => `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}`,
];
const ACTIONS = [['create'], ['update'], ['delete'], ['no-op'], ['delete', 'create']];

function secret(r: Random): string {
  // Up to 120 characters: longer than the 80 the review shortens a value to, so a cut secret is tried too.
  return Array.from({ length: r.int(12, 120) }, () => r.pick([...SECRET_CHARS])).join('');
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
  // The signing and downlink keys reach write-only attributes only, so they are ephemeral; the client secret
  // and the note are plain sensitive variables, whose values a plan keeps.
  const values = { signing_key: key, client_secret: client, downlink_key: downlink, note: marked };
  const ephemeral = ['signing_key', 'downlink_key'];
  const fingerprints = [fingerprintOf('1'), fingerprintOf('2')];
  for (let i = 0; i < r.int(1, 3); i++) {
    const name = `${r.pick(WORDS)} ${r.pick(WORDS)} ${i}`;
    names.push(name);
    const noted = r.chance(0.3);
    const copied = copies && r.chance(0.2);
    const encode = r.pick(ENCODINGS);
    const withDownlink = r.chance(0.5);
    const plain = `${r.pick(WORDS)} feed`;
    const validity = `${r.int(1, 59)}m`;
    const active = r.chance(0.3) ? r.chance(0.5) : null;
    // The configuration as the plan holds it: a sensitive note in plain text (the attribute marked), and
    // maybe a secret copied into a field no mark covers, which only the final scrub catches.
    const configuration = (copy: string) =>
      JSON.stringify({
        destinationURL: 'https://webhook.qubitro.com/integrations/actility',
        headers: { projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4' },
        description: noted ? marked : plain,
        ...(copied ? { downlinkAsId: encode(copy) } : {}),
        uplinkTimeValidity: validity,
      });
    const logicalId = `C${i}_0000000${i}`;
    resources[logicalId] = {
      '//': { metadata: { path: `s/C${i}/Resource` } },
      provider: 'iotflow.s_api',
      name,
      connector_id: 'actility-http-iot',
      brand: 'QUBITRO',
      ...(active === null ? {} : { active }),
      // A deploy-time value makes cdk.tf.json hold an expression, which the review cannot read.
      configuration:
        noted || copied
          ? '${jsonencode({"description" = var.note, "downlinkAsId" = var.client_secret})}'
          : configuration(''),
      secrets_wo: {
        'headers.webhookSigningKey': plaintext ? key : '${var.signing_key}',
        ...(withDownlink ? { downlinkAsKey: '${var.downlink_key}' } : {}),
      },
    };
    const actions = r.pick(ACTIONS);
    const state = (copy: string, fingerprint: string | null) => ({
      active,
      alarms: null,
      brand: 'QUBITRO',
      configuration: configuration(copy),
      connector_id: 'actility-http-iot',
      id: `100${i}`,
      name,
      secrets_wo: null,
      ...(fingerprint ? { secrets_fingerprint: fingerprint } : {}),
    });
    const rotated = newKey !== key;
    const before = actions[0] === 'create' ? null : state('as-0', fingerprints[0]);
    const after =
      actions[0] === 'delete' && actions.length === 1
        ? null
        : state(client, rotated || actions[0] === 'create' ? null : fingerprints[0]);
    const marks = (b: TfJson | null): TfJson | false =>
      b === null ? false : { secrets_wo: true, ...(noted ? { configuration: true } : {}) };
    changes.push(
      connectionChange(`iotflow_connection.${logicalId}`, actions, before, after, {
        beforeSensitive: marks(before),
        afterSensitive:
          after && r.chance(0.1)
            ? { name: true, configuration: true, alarms: true, secrets_wo: true }
            : marks(after),
        afterUnknown: after
          ? {
              ...(r.chance(0.2) ? { configuration: true } : {}),
              ...(after.secrets_fingerprint ? {} : { secrets_fingerprint: true }),
            }
          : {},
      }),
    );
  }
  // A connection only the state knows (deleted from the code), its note marked.
  const gone = {
    name: 'gone feed',
    connector_id: 'actility-http-iot',
    configuration: JSON.stringify({
      headers: { projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4' },
      description: marked,
      ...(copies ? { downlinkAsId: client } : {}),
    }),
    secrets_wo: null,
    secrets_fingerprint: fingerprints[1],
  };
  changes.push(
    connectionChange('iotflow_connection.Gone_00000009', ['delete'], gone, null, {
      beforeSensitive: { configuration: true, secrets_wo: true },
    }),
  );
  const tf: TfJson = {
    '//': { qubitro: { environment: 'dev', project: 'farm' } },
    provider: {
      iotflow: [
        {
          alias: 's_api',
          base_url: 'https://community.thingpark.io/iot-flow/v1',
          client_id: 'ops',
          client_secret: plaintext ? client : '${var.client_secret}',
        },
      ],
    },
    variable: Object.fromEntries(
      Object.keys(values).map((v) => [
        v,
        { type: 'string', sensitive: true, ...(ephemeral.includes(v) ? { ephemeral: true } : {}) },
      ]),
    ),
    resource: { iotflow_connection: resources },
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
      // A secret's first 24 characters too: a value shortened for display must not keep a piece of one.
      const pieces = [...c.secrets, ...c.secrets.map((s) => s.slice(0, 24))];
      for (const output of outputs) expectNoSecrets(output, pieces, `seed ${seed}: the review`);
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

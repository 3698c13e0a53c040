/**
 * Every HTTP-brand preset, table-driven from the one list of presets: what it synthesizes (where each
 * secret goes, nothing secret in `configuration`), and the bad inputs each refuses at synth.
 */
import { Testing, TerraformStack } from 'cdktf';
import {
  CayenneConnection,
  CommonsenseConnection,
  DatacakeConnection,
  GearStudioConnection,
  GinjerConnection,
  IotFlowConnection,
  NomosenseConnection,
  OpinumConnection,
  QubitroConnection,
  TagoConnection,
  UnabizConnection,
  WidgelixConnection,
} from '../../src';
import type { PresetDefinition } from '../../src/presets/definition';
import { PRESETS } from '../../src/presets/registry';
import {
  newStack,
  oauthApi,
  onlyConnection,
  PROJECT_ID,
  secretVar,
  synth,
  TfJson,
  validationError,
  withoutMetadata,
} from '../support/synth';

Testing.setupJest();

type Construct = new (scope: TerraformStack, id: string, props: any) => IotFlowConnection;

const CONSTRUCTS: Record<string, Construct> = {
  CAYENNE: CayenneConnection,
  COMMONSENSE: CommonsenseConnection,
  DATACAKE: DatacakeConnection,
  GEAR_STUDIO: GearStudioConnection,
  GINJER: GinjerConnection,
  NOMOSENSE: NomosenseConnection,
  OPINUM: OpinumConnection,
  QUBITRO: QubitroConnection,
  TAGO: TagoConnection,
  UNABIZ: UnabizConnection,
  WIDGELIX: WidgelixConnection,
};

const GEAR_STUDIO_URL = 'https://gear.cloud.studio/services/thingpark';

/** Props a preset takes: its fields, each secret from a variable `<kind>_<prop>`, and a URL where none is documented. */
function validProps(stack: TerraformStack, d: PresetDefinition): Record<string, unknown> {
  return {
    api: oauthApi(stack),
    name: `Uplinks to ${d.title}`,
    ...(d.destination && d.destination.default === undefined ? { destinationUrl: GEAR_STUDIO_URL } : {}),
    ...Object.fromEntries(
      d.fields.map((f) => [f.prop, f.format === 'uuid' ? PROJECT_ID : 'user@example.com']),
    ),
    ...Object.fromEntries(
      d.secrets.map((s) => [s.prop, secretVar(stack, `${d.kind.replace('-', '_')}_${s.prop}`)]),
    ),
  };
}

function build(
  d: PresetDefinition,
  edit: (props: Record<string, unknown>, stack: TerraformStack) => void = () => {},
) {
  const stack = newStack();
  const props = validProps(stack, d);
  edit(props, stack);
  new CONSTRUCTS[d.brand](stack, 'Uplinks', props);
  return stack;
}

function resourceOf(d: PresetDefinition): TfJson {
  return onlyConnection(synth(build(d)).tf);
}

const ALL = PRESETS.map((d) => [d.brand, d] as const);
const QUERY = ALL.filter(([, d]) => d.secrets.some((s) => 'queryParameter' in s.placement));
const HOSTED = ALL.filter(([, d]) => d.destination?.hosts);
const WITH_SECRETS = ALL.filter(([, d]) => d.secrets.length > 0);

describe('presets', () => {
  it('has a construct for every preset of the list, and a preset for every construct', () => {
    expect(Object.keys(CONSTRUCTS).sort()).toEqual(PRESETS.map((d) => d.brand).sort());
  });

  it.each(ALL)('%s sends its brand on actility-http-iot', (brand, d) => {
    expect(resourceOf(d)).toMatchObject({ brand, connector_id: 'actility-http-iot' });
  });

  it.each(ALL)('%s sends each secret write-only, at the path its brand takes', (_b, d) => {
    const r = resourceOf(d);

    const paths = d.secrets.map((s) =>
      'header' in s.placement
        ? `headers.${s.placement.header}`
        : 'field' in s.placement
          ? s.placement.field
          : `destinationURL?${s.placement.queryParameter}`,
    );
    expect(Object.keys(r.secrets_wo ?? {})).toEqual(paths);
    for (const s of d.secrets) {
      const prefix = 'header' in s.placement ? (s.placement.prefix ?? '') : '';
      expect(Object.values(r.secrets_wo)).toContain(`${prefix}\${var.${d.kind.replace('-', '_')}_${s.prop}}`);
    }
    expect(r.configuration).not.toContain('${var.');
  });

  it.each(QUERY)('%s shows its URL with the secret parameter masked', (_b, d) => {
    const param = d.secrets.map((s) =>
      'queryParameter' in s.placement ? s.placement.queryParameter : '',
    )[0];

    const url = JSON.parse(resourceOf(d).configuration).destinationURL;

    expect(new URL(url).searchParams.get(param)).toBe('*****');
  });

  it('sends nothing but the documented keys: OPINUM has no destinationURL, only username', () => {
    const opinum = PRESETS.find((d) => d.brand === 'OPINUM')!;

    expect(JSON.parse(resourceOf(opinum).configuration)).toEqual({ username: 'user@example.com' });
  });

  it.each(ALL)('%s synthesizes as recorded', (_b, d) => {
    expect(withoutMetadata(resourceOf(d))).toMatchSnapshot();
  });
});

describe('preset bad inputs', () => {
  it.each(HOSTED)('%s refuses a destinationUrl on another host, naming its hosts', (_b, d) => {
    const err = validationError(() =>
      build(d, (p) => (p.destinationUrl = 'https://elsewhere.example/uplink')),
    );

    expect(err.problems[0]).toMatchObject({
      field: 'destinationUrl',
      value: 'https://elsewhere.example/uplink',
    });
    expect(err.problems[0].allowed).toContain(d.destination!.hosts![0]);
  });

  it('GEAR_STUDIO refuses a URL whose path is not /services/thingpark', () => {
    const gear = PRESETS.find((d) => d.brand === 'GEAR_STUDIO')!;

    const err = validationError(() =>
      build(gear, (p) => (p.destinationUrl = 'https://gear.cloud.studio/other')),
    );

    expect(err.problems[0]).toMatchObject({
      field: 'destinationUrl',
      allowed: expect.stringContaining('/services/thingpark'),
    });
  });

  it.each(QUERY)('%s refuses the secret written into destinationUrl, never showing it', (_b, d) => {
    const param = d.secrets.map((s) =>
      'queryParameter' in s.placement ? s.placement.queryParameter : '',
    )[0];
    const url = `${d.destination!.default ?? GEAR_STUDIO_URL}?${param}=leaked-token`;

    const err = validationError(() => build(d, (p) => (p.destinationUrl = url)));

    expect(err.problems[0]).toMatchObject({ field: 'destinationUrl', fix: expect.stringContaining(param) });
  });

  it.each(WITH_SECRETS)('%s refuses a missing credential, naming its prop', (_b, d) => {
    const err = validationError(() => build(d, (p) => delete p[d.secrets[0].prop]));

    expect(err.problems.map((p) => p.field)).toContain(d.secrets[0].prop);
  });

  it.each(WITH_SECRETS)(
    '%s refuses a credential in plain text, naming a variable and not the value',
    (_b, d) => {
      const err = validationError(() => build(d, (p) => (p[d.secrets[0].prop] = 'plain-credential')));

      expect(err.message).toContain(d.secrets[0].prop);
      expect(JSON.stringify({ ...err, message: err.message })).not.toContain('plain-credential');
    },
  );

  it.each(ALL)('%s refuses a key it does not take, naming it', (_b, d) => {
    const err = validationError(() => build(d, (p) => (p.lrcCompliance = true)));

    expect(err.problems[0]).toMatchObject({ field: 'lrcCompliance', fix: expect.any(String) });
  });
});

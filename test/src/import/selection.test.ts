import { constructIdOf, selectConnections, selects } from '../../../src/import/selection';
import type { TenantConnection } from '../../../src/import/tenant';

const PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';

function qubitro(
  id: string,
  name: string,
  configuration: Record<string, unknown> = {},
  top = {},
): TenantConnection {
  return {
    id,
    name,
    connectorId: 'actility-http-iot',
    brand: 'QUBITRO',
    active: true,
    state: 'OPENED',
    startupTime: '2026-01-01T00:00:00Z',
    configuration: {
      destinationURL: 'https://webhook.qubitro.com/integrations/actility',
      headers: { projectId: PROJECT, webhookSigningKey: '*****' },
      createDevices: true,
      sendMetadata: false,
      sendRawDecodedFormat: false,
      downlinkEnabled: true,
      reconnectStrategy: 'NORMAL',
      ...configuration,
    },
    ...top,
  };
}

const bridge: TenantConnection = {
  id: '9',
  name: 'Acme bridge',
  connectorId: 'acme-bridge',
  configuration: { url: 'https://bridge.example', headers: { Authorization: '*****' } },
};

test('every modelled field is carried, server defaults with their default value are left out', () => {
  const alarms = [{ uplinkRateMinPerHour: 3, recurrence: [{ frequency: 'daily' }], message: 'Quiet' }];
  const { projects } = selectConnections(
    [
      qubitro(
        '1',
        'Farm',
        { description: 'By hand', reconnectStrategy: 'CALM', createDevices: false },
        { active: false, alarms },
      ),
    ],
    {},
  );
  expect(projects).toEqual([
    {
      projectId: PROJECT,
      connections: [
        {
          keySentOnce: true,
          props: {
            id: 'Farm',
            name: 'Farm',
            active: false,
            alarms,
            description: 'By hand',
            reconnectStrategy: 'CALM',
            createDevices: false,
            importFrom: '1',
          },
        },
      ],
    },
  ]);
});

test('a header the constructs cannot express keeps the connection out of the YAML, with the field named', () => {
  const result = selectConnections(
    [qubitro('1', 'Farm', { headers: { projectId: PROJECT, 'X-Trace': 'on' } })],
    {},
  );
  expect(result.projects).toEqual([]);
  expect(result.skipped[0].reason).toMatch(/cannot express configuration\.headers\.X-Trace/);
});

test('a value the constructs refuse (a name with a double quote) is a field they cannot express', () => {
  const result = selectConnections([qubitro('1', 'Barn "north"')], {});
  expect(result.skipped[0].reason).toMatch(/cannot express name/);
});

test('a name used twice skips both connections and names their ids', () => {
  const result = selectConnections([qubitro('1', 'Twin'), qubitro('2', 'Twin')], {});
  expect(result.projects).toEqual([]);
  expect(result.skipped.map((s) => s.id)).toEqual(['1', '2']);
  expect(result.skipped[0].reason).toMatch(/used by connections 1, 2/);
});

test('another connector is skipped for the YAML and written as an IotFlowConnection with its masked secret for ts', () => {
  const selection = { connector: 'acme-bridge' };
  expect(selectConnections([bridge], selection).skipped[0].reason).toMatch(/--format ts/);
  const ts = selectConnections([bridge], selection, undefined, undefined, true);
  expect(ts.generic).toEqual([
    {
      id: 'AcmeBridge',
      importFrom: '9',
      props: { name: 'Acme bridge', connectorId: 'acme-bridge', configuration: bridge.configuration },
      secretFields: ['headers.Authorization'],
    },
  ]);
});

test('a value the API masks only in part (a secret in a URL query) is not written, even as an IotFlowConnection', () => {
  const tago: TenantConnection = {
    id: '5',
    name: 'Tago',
    connectorId: 'actility-http-iot',
    brand: 'TAGO',
    configuration: { destinationURL: 'https://actility.middleware.tago.io/uplink?authorization=*****' },
  };
  const result = selectConnections([tago], { brand: 'TAGO' }, undefined, undefined, true);
  expect(result.generic).toEqual([]);
  expect(result.skipped[0].reason).toMatch(/configuration\.destinationURL \(partly masked\)/);
});

test('a brand with a preset is written as its construct, the masked token as a secret prop', () => {
  const datacake: TenantConnection = {
    id: '6',
    name: 'Datacake farm',
    connectorId: 'actility-http-iot',
    brand: 'DATACAKE',
    configuration: {
      destinationURL: 'https://api.datacake.co/integrations/lorawan/actility',
      headers: { Authorization: '*****' },
      reconnectStrategy: 'CALM',
    },
  };
  const result = selectConnections([datacake], { brand: 'DATACAKE' }, undefined, undefined, true);
  expect(result.generic).toEqual([
    {
      id: 'DatacakeFarm',
      importFrom: '6',
      construct: 'DatacakeConnection',
      props: { name: 'Datacake farm', reconnectStrategy: 'CALM' },
      secretProps: ['accessToken'],
      secretFields: [],
    },
  ]);
  const withHeader = {
    ...datacake,
    configuration: { ...datacake.configuration, headers: { Authorization: '*****', 'X-Trace': 'on' } },
  };
  expect(
    selectConnections([withHeader], { brand: 'DATACAKE' }, undefined, undefined, true).generic[0].construct,
  ).toBeUndefined();
});

test('connections already under code, by id or by name, are not imported again', () => {
  const result = selectConnections(
    [qubitro('1', 'A'), qubitro('2', 'B'), qubitro('3', 'C')],
    {},
    {
      ids: new Set(['1']),
      names: new Set(['B']),
    },
  );
  expect(result.projects[0].connections.map((c) => c.props.importFrom)).toEqual(['3']);
});

test('the default selection is Qubitro; --name is a glob', () => {
  expect(selects({}, bridge)).toBe(false);
  expect(selects({ name: 'Farm *' }, qubitro('1', 'Farm north'))).toBe(true);
  expect(selects({ name: 'Farm *' }, qubitro('1', 'Barn'))).toBe(false);
});

test('construct ids are PascalCase from the name, with the connection id when taken', () => {
  expect(constructIdOf('farm sensors #2 — ü', '7', new Set())).toBe('FarmSensors2U');
  expect(constructIdOf('42', '7', new Set())).toBe('Connection42');
  expect(constructIdOf('farm', '7', new Set(['Farm']))).toBe('FarmId7');
});

import { Testing } from 'cdktf';
import { IotFlowConnection } from '../../src';
import {
  adoptionLists,
  connections,
  localNamed,
  newStack,
  oauthApi,
  onlyConnection,
  qubitro,
  synth,
  TfJson,
  unhashed,
} from '../support/synth';

Testing.setupJest();

/** One connection `Uplinks` named `Farm uplinks` with `adoptExisting: true`; the synthesized stack. */
function adopting(): TfJson {
  const stack = newStack();
  qubitro(stack, oauthApi(stack), 'Uplinks', { name: 'Farm uplinks', adoptExisting: true });
  return synth(stack).tf;
}

describe('adoption of an existing connection by name', () => {
  test('is off by default: no listing, import block or precondition (the provider refuses a takeover)', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks');
    const { tf } = synth(stack);
    expect(adoptionLists(tf)).toEqual({});
    expect(tf.import).toBeUndefined();
    expect(onlyConnection(tf)).not.toHaveProperty('lifecycle');
  });

  test('adoptExisting: false writes no listing, import block or precondition', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { adoptExisting: false });
    const { tf } = synth(stack);
    expect(adoptionLists(tf)).toEqual({});
    expect(tf.import).toBeUndefined();
    expect(onlyConnection(tf)).not.toHaveProperty('lifecycle');
  });

  test('reads the connection list and groups it once per endpoint, whatever the number of connections', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First', { adoptExisting: true });
    qubitro(stack, api, 'Second', { adoptExisting: true });
    const { tf } = synth(stack);
    expect(Object.keys(adoptionLists(tf))).toHaveLength(1);
    expect(Object.keys(tf.locals).filter((k) => k.includes('ConnectionIdsByKey'))).toHaveLength(1);
  });

  test('lists every connection of the endpoint, at plan time, through the endpoint provider', () => {
    const [list] = Object.values(adoptionLists(adopting()));
    expect(list).not.toHaveProperty('ids');
    expect(list).not.toHaveProperty('depends_on');
    expect(unhashed(list.provider)).toBe('iotflow.stack_api');
  });

  test('groups the listed ids by connector, brand and name', () => {
    const tf = adopting();
    const [listId] = Object.keys(adoptionLists(tf));
    const [, grouping] = localNamed(tf, 'ConnectionIdsByKey');
    expect(grouping).toBe(
      `\${{ for c in data.iotflow_connections.${listId}.connections : ` +
        '"${c.connector_id}/${c.brand == null ? "" : c.brand}/${c.name}" => c.id... }}',
    );
  });

  test('looks an unbranded connection up by connector and name, whatever brand the server has set', () => {
    const stack = newStack();
    new IotFlowConnection(stack, 'Plain', {
      api: oauthApi(stack),
      name: 'Plain push',
      connectorId: 'actility-http-iot',
      configuration: { destinationURL: 'https://example.com/uplinks' },
      adoptExisting: true,
    });
    const tf = synth(stack).tf;
    const [listId] = Object.keys(adoptionLists(tf));
    const [localId, grouping] = localNamed(tf, 'ConnectionIdsByName');
    expect(grouping).toBe(
      `\${{ for c in data.iotflow_connections.${listId}.connections : "\${c.connector_id}/\${c.name}" => c.id... }}`,
    );
    expect(tf.import[0].for_each).toContain(`lookup(local.${localId}, "actility-http-iot/Plain push", [])`);
  });

  test('imports the single connection with the same name, connector and brand, only when there is one', () => {
    const tf = adopting();
    const [resourceId] = Object.keys(connections(tf));
    const [localId] = localNamed(tf, 'ConnectionIdsByKey');
    expect(tf.import).toHaveLength(1);
    const block = tf.import[0];
    const lookup = `lookup(local.${localId}, "actility-http-iot/QUBITRO/Farm uplinks", [])`;
    expect(block.to).toBe(`iotflow_connection.${resourceId}`);
    expect(block.for_each).toBe(`\${toset(length(${lookup}) == 1 ? ${lookup} : [])}`);
    expect(block.id).toBe('${each.value}');
    expect(unhashed(block.provider)).toBe('iotflow.stack_api');
  });

  test('fails the plan with the ids when several connections share the name', () => {
    const [precondition] = onlyConnection(adopting()).lifecycle.precondition;
    expect(precondition.condition).toMatch(
      /^\$\{length\(lookup\(local\.\w+, "actility-http-iot\/QUBITRO\/Farm uplinks", \[\]\)\) <= 1\}$/,
    );
    expect(precondition.error_message).toContain(
      'several connections on this endpoint are named "Farm uplinks"',
    );
    expect(precondition.error_message).toMatch(/ids \$\{join\(", ", lookup\(local\./);
    expect(precondition.error_message).toContain('remove adoptExisting');
  });

  test('importFrom adopts that id, as the plain id, without looking for a name', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114', adoptExisting: true });
    const { tf } = synth(stack);
    expect(tf.import).toEqual([
      {
        to: `iotflow_connection.${Object.keys(connections(tf))[0]}`,
        provider: expect.stringMatching(/^iotflow\.stack_api_[0-9a-f]{8}$/),
        id: '1114',
      },
    ]);
    expect(adoptionLists(tf)).toEqual({});
  });

  test('import blocks of several connections are all kept', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First', { adoptExisting: true });
    qubitro(stack, api, 'Second', { importFrom: '7' });
    expect(synth(stack).tf.import).toHaveLength(2);
  });
});

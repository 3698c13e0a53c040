import { Testing } from 'cdktf';
import { newStack, oauthApi, qubitro, restfulProviders, synth, unhashed } from '../support/synth';

Testing.setupJest();

/** The adoption list of a stack: `data.restful_resource` reading `/connections` at plan time (no depends_on). */
function listsOf(tf: Record<string, any>) {
  return Object.entries(tf.data.restful_resource).filter(
    ([, d]) => (d as { id: string }).id === '/connections' && !(d as { depends_on?: unknown }).depends_on,
  );
}

describe('adoption of an existing connection by name', () => {
  test('reads the connection list and groups it once per endpoint, whatever the number of connections', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second');
    const { tf } = synth(stack);
    expect(listsOf(tf)).toHaveLength(1);
    expect(Object.keys(tf.locals).filter((k) => k.includes('ConnectionIdsByKey'))).toHaveLength(1);
  });

  test('imports the single connection with the same name, connector and brand, only when there is one', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { name: 'Farm uplinks' });
    const { tf } = synth(stack);
    const [listId] = listsOf(tf)[0];
    const [resourceId] = Object.keys(tf.resource.restful_resource);
    const [localId, grouping] = Object.entries(tf.locals).find(([k]) => k.includes('ConnectionIdsByKey')) as [
      string,
      string,
    ];
    expect(grouping).toBe(
      `\${{ for c in data.restful_resource.${listId}.output : ` +
        '"${try(c.connectorId, "")}/${try(c.brand, "")}/${try(c.name, "")}" => c.id... }}',
    );
    expect(tf.import).toHaveLength(1);
    const block = tf.import[0];
    const lookup = `lookup(local.${localId}, "actility-http-iot/QUBITRO/Farm uplinks", [])`;
    expect(block.to).toBe(`restful_resource.${resourceId}`);
    expect(block.for_each).toBe(`\${toset(length(${lookup}) == 1 ? ${lookup} : [])}`);
    expect(JSON.parse(block.id)).toMatchObject({ id: '/connections/${each.value}', path: '/connections' });
  });

  test('fails the plan with the ids when several connections share the name', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { name: 'Farm uplinks' });
    const resource = Object.values(synth(stack).tf.resource.restful_resource)[0] as any;
    const [precondition] = resource.lifecycle.precondition;
    expect(precondition.condition).toMatch(
      /^\$\{length\(lookup\(local\.\w+, "actility-http-iot\/QUBITRO\/Farm uplinks", \[\]\)\) <= 1\}$/,
    );
    expect(precondition.error_message).toContain(
      'several connections on this endpoint are named "Farm uplinks"',
    );
    expect(precondition.error_message).toMatch(/ids \$\{join\(", ", lookup\(local\./);
    expect(precondition.error_message).toContain('adoptExisting: false');
  });

  test('adoptExisting: false writes no list, import or precondition', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { adoptExisting: false });
    const { tf } = synth(stack);
    expect(listsOf(tf)).toEqual([]);
    expect(tf.import).toBeUndefined();
    expect(Object.values(tf.resource.restful_resource)[0]).not.toHaveProperty('lifecycle');
  });

  test('importFrom adopts that id without looking for a name', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack), 'Uplinks', { importFrom: '1114' });
    const { tf } = synth(stack);
    expect(tf.import).toHaveLength(1);
    expect(tf.import[0]).not.toHaveProperty('for_each');
    expect(JSON.parse(tf.import[0].id).id).toBe('/connections/1114');
    expect(listsOf(tf)).toEqual([]);
  });

  test('import blocks of several connections are all kept', () => {
    const stack = newStack();
    const api = oauthApi(stack);
    qubitro(stack, api, 'First');
    qubitro(stack, api, 'Second', { importFrom: '7' });
    expect(synth(stack).tf.import).toHaveLength(2);
  });
});

describe('tokenPerRun', () => {
  test('fetches the token through an ephemeral resource on its own provider and passes it as a bearer token', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack, 'Api', { tokenPerRun: true }));
    const { tf } = synth(stack);
    const [name, token] = Object.entries(tf.ephemeral.restful_resource)[0] as [string, any];
    expect(token).toMatchObject({
      method: 'POST',
      path: '/users-auth/protocol/openid-connect/token',
      header: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: {
        grant_type: 'client_credentials',
        client_id: 'service-account',
        client_secret: '${var.api_client_secret}',
      },
      use_sensitive_output: true,
    });
    const providers = restfulProviders(tf);
    expect(
      providers.map((p) => [
        unhashed(p.alias.replace(/_token$/, '')) + (p.alias.endsWith('_token') ? '_token' : ''),
        p.base_url,
      ]),
    ).toEqual([
      ['stack_api_token', 'https://community.thingpark.io'], // alias: <api alias>_token
      ['stack_api', 'https://community.thingpark.io/iot-flow/v1'],
    ]);
    expect(token.provider).toBe(`restful.${providers[0].alias}`);
    expect(providers[1].security).toEqual({
      http: { token: { token: `\${ephemeral.restful_resource.${name}.sensitive_output.access_token}` } },
    });
  });

  test('keeps the retries on both providers', () => {
    const stack = newStack();
    oauthApi(stack, 'Api', { tokenPerRun: true, maxRetries: 5 });
    for (const p of restfulProviders(synth(stack).tf))
      expect(p.client.retry).toMatchObject({ count: 5, wait_in_sec: 1 });
  });

  test('never writes max_wait_in_sec, which restful 0.25.2 applies as the minimum wait', () => {
    const stack = newStack();
    oauthApi(stack);
    expect(restfulProviders(synth(stack).tf)[0].client.retry).not.toHaveProperty('max_wait_in_sec');
  });
});

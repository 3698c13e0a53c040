import { TerraformVariable, Testing } from 'cdktf';
import { IotFlowApi } from '../../src';
import {
  BASE_URL,
  connections,
  IOTFLOW_PROVIDER_TYPE,
  iotflowProviders,
  newStack,
  oauthApi,
  qubitro,
  secretVar,
  synth,
  unhashed,
  readBacks,
} from '../support/synth';

Testing.setupJest();

function onlyProvider(build: (stack: ReturnType<typeof newStack>) => void) {
  const stack = newStack();
  build(stack);
  const providers = iotflowProviders(synth(stack).tf);
  expect(providers).toHaveLength(1);
  return providers[0];
}

describe('IotFlowApi provider configuration', () => {
  it('configures the iotflow provider with the base URL', () => {
    const stack = newStack();
    oauthApi(stack);
    expect(synth(stack).text).toHaveProviderWithProperties(IOTFLOW_PROVIDER_TYPE, { base_url: BASE_URL });
  });

  it('names the provider with an alias derived from its construct path', () => {
    expect(onlyProvider((stack) => oauthApi(stack)).alias).toMatch(/^stack_api_[0-9a-f]{8}$/);
  });

  it('drops trailing slashes from the base URL', () => {
    const provider = onlyProvider((stack) => oauthApi(stack, 'Api', { baseUrl: `${BASE_URL}//` }));
    expect(provider.base_url).toBe(BASE_URL);
  });

  it('pins the project provider thingpark-qubitro/iotflow at the version of provider/registry.json', () => {
    const stack = newStack();
    oauthApi(stack);
    expect(synth(stack).tf.terraform.required_providers).toEqual({
      iotflow: { source: 'thingpark-qubitro/iotflow', version: '0.2.0' },
    });
  });

  it('configures no provider but iotflow', () => {
    const stack = newStack();
    qubitro(stack, oauthApi(stack));
    expect(Object.keys(synth(stack).tf.provider)).toEqual(['iotflow']);
  });

  describe('OAuth2 client credentials', () => {
    it('sends the client id, the secret variable and the default token URL, and no bearer token', () => {
      const provider = onlyProvider((stack) => oauthApi(stack));
      expect(provider).toMatchObject({
        client_id: 'service-account',
        client_secret: '${var.api_client_secret}',
        token_url: 'https://community.thingpark.io/users-auth/protocol/openid-connect/token',
      });
      expect(provider).not.toHaveProperty('bearer_token');
    });

    it('derives the default token URL from the origin of the base URL, port included', () => {
      const provider = onlyProvider((stack) =>
        oauthApi(stack, 'Api', { baseUrl: 'http://127.0.0.1:8787/iot-flow/v1' }),
      );
      expect(provider.token_url).toBe('http://127.0.0.1:8787/users-auth/protocol/openid-connect/token');
    });

    it('uses an explicit tokenUrl instead of the default', () => {
      const tokenUrl = 'https://auth.example.com/realms/tp/protocol/openid-connect/token';
      const provider = onlyProvider((stack) => oauthApi(stack, 'Api', { tokenUrl }));
      expect(provider.token_url).toBe(tokenUrl);
    });

    it('accepts a base URL known only at deploy time when tokenUrl is given', () => {
      const stack = newStack();
      const baseUrl = new TerraformVariable(stack, 'base_url', { type: 'string' }).stringValue;
      const tokenUrl = 'https://community.thingpark.io/users-auth/protocol/openid-connect/token';
      oauthApi(stack, 'Api', { baseUrl, tokenUrl });
      expect(iotflowProviders(synth(stack).tf)[0].base_url).toBe('${var.base_url}');
    });
  });

  describe('bearer token', () => {
    it('sends the token variable as the bearer token, with no client credentials or token URL', () => {
      const provider = onlyProvider(
        (stack) =>
          new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, bearerToken: secretVar(stack, 'tp_token') }),
      );
      expect(provider.bearer_token).toBe('${var.tp_token}');
      for (const key of ['client_id', 'client_secret', 'token_url']) expect(provider).not.toHaveProperty(key);
    });
  });

  describe('retries and timeouts', () => {
    it('retries 3 times by default', () => {
      expect(onlyProvider((stack) => oauthApi(stack)).max_retries).toBe(3);
    });

    it('retries maxRetries times when it is set', () => {
      expect(onlyProvider((stack) => oauthApi(stack, 'Api', { maxRetries: 7 })).max_retries).toBe(7);
    });

    it('does not retry when maxRetries is 0', () => {
      expect(onlyProvider((stack) => oauthApi(stack, 'Api', { maxRetries: 0 })).max_retries).toBe(0);
    });

    it('gives each HTTP call 30 seconds by default', () => {
      expect(onlyProvider((stack) => oauthApi(stack)).request_timeout_seconds).toBe(30);
    });

    it('gives each HTTP call timeoutSeconds when it is set', () => {
      const provider = onlyProvider((stack) => oauthApi(stack, 'Api', { timeoutSeconds: 90 }));
      expect(provider.request_timeout_seconds).toBe(90);
    });
  });

  describe('read-back settling', () => {
    function readBackOf(props: Parameters<typeof oauthApi>[2] = {}) {
      const stack = newStack();
      qubitro(stack, oauthApi(stack, 'Api', props));
      const reads = Object.values(readBacks(synth(stack).tf));
      expect(reads).toHaveLength(1);
      return reads[0];
    }

    it('waits up to 60 seconds for changed connections to settle by default', () => {
      expect(readBackOf().settle_timeout_seconds).toBe(60);
    });

    it('waits settleTimeoutSeconds when it is set', () => {
      expect(readBackOf({ settleTimeoutSeconds: 300 }).settle_timeout_seconds).toBe(300);
    });

    it('reads once without waiting when settleTimeoutSeconds is 0', () => {
      expect(readBackOf({ settleTimeoutSeconds: 0 }).settle_timeout_seconds).toBe(0);
    });
  });

  describe('two endpoints in one stack', () => {
    function twoEndpoints() {
      const stack = newStack();
      const eu = oauthApi(stack, 'Eu');
      const us = oauthApi(stack, 'Us', { baseUrl: 'https://us.thingpark.example.com/iot-flow/v1' });
      qubitro(stack, eu, 'EuUplinks');
      qubitro(stack, us, 'UsUplinks');
      return synth(stack).tf;
    }

    it('writes one provider block per endpoint, each under its own alias', () => {
      const providers = iotflowProviders(twoEndpoints());
      expect(providers.map((p) => [unhashed(p.alias), p.base_url])).toEqual([
        ['stack_eu', BASE_URL],
        ['stack_us', 'https://us.thingpark.example.com/iot-flow/v1'],
      ]);
    });

    it('points each connection at the provider of its own endpoint', () => {
      const resources = Object.values(connections(twoEndpoints()));
      expect(resources.map((r) => [r.name, unhashed(r.provider)])).toEqual([
        ['EuUplinks to Qubitro', 'iotflow.stack_eu'],
        ['UsUplinks to Qubitro', 'iotflow.stack_us'],
      ]);
    });

    it('points each read-back at the provider of its own endpoint', () => {
      const reads = Object.values(readBacks(twoEndpoints()));
      expect(reads.map((r) => unhashed(r.provider)).sort()).toEqual(['iotflow.stack_eu', 'iotflow.stack_us']);
    });

    it('gives distinct aliases to endpoints whose ids differ only in case or punctuation', () => {
      const stack = newStack();
      oauthApi(stack, 'Eu-West');
      oauthApi(stack, 'eu_west');
      const aliases = iotflowProviders(synth(stack).tf).map((p) => p.alias);
      expect(new Set(aliases).size).toBe(2);
    });
  });
});

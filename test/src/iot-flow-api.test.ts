import { TerraformVariable, Testing } from 'cdktf';
import { defaultTokenUrl, IotFlowApi, RETRY_STATUS_CODES } from '../../src';
import {
  all,
  BASE_URL,
  newStack,
  oauthApi,
  qubitro,
  RESTFUL_PROVIDER_TYPE,
  restfulProviders,
  secretVar,
  synth,
  unhashed,
  readBacks,
} from '../support/synth';

Testing.setupJest();

function onlyProvider(build: (stack: ReturnType<typeof newStack>) => void) {
  const stack = newStack();
  build(stack);
  const providers = restfulProviders(synth(stack).tf);
  expect(providers).toHaveLength(1);
  return providers[0];
}

describe('IotFlowApi provider configuration', () => {
  it('configures the restful provider with the base URL', () => {
    const stack = newStack();
    oauthApi(stack);
    expect(synth(stack).text).toHaveProviderWithProperties(RESTFUL_PROVIDER_TYPE, { base_url: BASE_URL });
  });

  it('names the provider with an alias derived from its construct path', () => {
    expect(onlyProvider((stack) => oauthApi(stack)).alias).toMatch(/^stack_api_[0-9a-f]{8}$/);
  });

  it('drops trailing slashes from the base URL', () => {
    const provider = onlyProvider((stack) => oauthApi(stack, 'Api', { baseUrl: `${BASE_URL}//` }));
    expect(provider.base_url).toBe(BASE_URL);
  });

  it('pins magodo/restful 0.25.2 in required_providers', () => {
    const stack = newStack();
    oauthApi(stack);
    expect(synth(stack).tf.terraform.required_providers.restful).toEqual({
      source: 'magodo/restful',
      version: '0.25.2',
    });
  });

  describe('OAuth2 client credentials', () => {
    it('sends the client id, the secret variable, the default token URL and params style', () => {
      const provider = onlyProvider((stack) => oauthApi(stack));
      expect(provider.security).toEqual({
        oauth2: {
          client_credentials: {
            client_id: 'service-account',
            client_secret: '${var.api_client_secret}',
            token_url: 'https://community.thingpark.io/users-auth/protocol/openid-connect/token',
            in: 'params',
          },
        },
      });
    });

    it('derives the default token URL from the origin of the base URL, port included', () => {
      expect(defaultTokenUrl('http://127.0.0.1:8787/iot-flow/v1')).toBe(
        'http://127.0.0.1:8787/users-auth/protocol/openid-connect/token',
      );
    });

    it('uses an explicit tokenUrl instead of the default', () => {
      const tokenUrl = 'https://auth.example.com/realms/tp/protocol/openid-connect/token';
      const provider = onlyProvider((stack) => oauthApi(stack, 'Api', { tokenUrl }));
      expect(provider.security.oauth2.client_credentials.token_url).toBe(tokenUrl);
    });

    it('accepts a base URL known only at deploy time when tokenUrl is given', () => {
      const stack = newStack();
      const baseUrl = new TerraformVariable(stack, 'base_url', { type: 'string' }).stringValue;
      const tokenUrl = 'https://community.thingpark.io/users-auth/protocol/openid-connect/token';
      oauthApi(stack, 'Api', { baseUrl, tokenUrl });
      expect(restfulProviders(synth(stack).tf)[0].base_url).toBe('${var.base_url}');
    });
  });

  describe('bearer token', () => {
    it('sends the token variable as an HTTP bearer token', () => {
      const provider = onlyProvider(
        (stack) =>
          new IotFlowApi(stack, 'Api', { baseUrl: BASE_URL, bearerToken: secretVar(stack, 'tp_token') }),
      );
      expect(provider.security).toEqual({ http: { token: { token: '${var.tp_token}' } } });
    });
  });

  describe('retries', () => {
    it('retries 429, 502, 503 and 504', () => {
      expect(onlyProvider((stack) => oauthApi(stack)).client.retry.status_codes).toEqual([
        429, 502, 503, 504,
      ]);
    });

    it('exports the retried status codes', () => {
      expect(RETRY_STATUS_CODES).toEqual([429, 502, 503, 504]);
    });

    it('retries 3 times by default', () => {
      expect(onlyProvider((stack) => oauthApi(stack)).client.retry.count).toBe(3);
    });

    it('retries maxRetries times when it is set', () => {
      expect(onlyProvider((stack) => oauthApi(stack, 'Api', { maxRetries: 7 })).client.retry.count).toBe(7);
    });

    it('does not retry when maxRetries is 0', () => {
      expect(onlyProvider((stack) => oauthApi(stack, 'Api', { maxRetries: 0 })).client.retry.count).toBe(0);
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
      const providers = restfulProviders(twoEndpoints());
      expect(providers.map((p) => [unhashed(p.alias), p.base_url])).toEqual([
        ['stack_eu', BASE_URL],
        ['stack_us', 'https://us.thingpark.example.com/iot-flow/v1'],
      ]);
    });

    it('points each connection at the provider of its own endpoint', () => {
      const resources = Object.values(all(twoEndpoints(), 'resource', 'restful_resource'));
      expect(resources.map((r) => [r.body.name, unhashed(r.provider)])).toEqual([
        ['EuUplinks to Qubitro', 'restful.stack_eu'],
        ['UsUplinks to Qubitro', 'restful.stack_us'],
      ]);
    });

    it('points each read-back at the provider of its own endpoint', () => {
      const reads = Object.values(readBacks(twoEndpoints()));
      expect(reads.map((r) => unhashed(r.provider)).sort()).toEqual(['restful.stack_eu', 'restful.stack_us']);
    });

    it('gives distinct aliases to endpoints whose ids differ only in case or punctuation', () => {
      const stack = newStack();
      oauthApi(stack, 'Eu-West');
      oauthApi(stack, 'eu_west');
      const aliases = restfulProviders(synth(stack).tf).map((p) => p.alias);
      expect(new Set(aliases).size).toBe(2);
    });
  });
});

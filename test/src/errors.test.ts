/**
 * No error the library raises holds a secret in any property: each is printed the way Node prints an
 * uncaught error (`util.inspect`, every own property, `cause` and stack included) and searched.
 */
import { inspect } from 'node:util';
import { Testing } from 'cdktf';
import { InputError, unsafePlaintextSecret } from '../../src';
import { DEBUG_VARIABLE } from '../../src/errors';
import { baseConfig, configError } from './environments/fixture';
import { newStack, oauthApi, qubitro, validationError } from '../support/synth';

Testing.setupJest();

const SECRET = 'leaky secret 5f4e3d2c1b0a'; // whitespace makes every secret rule refuse it

function printed(err: unknown): string {
  return inspect(err, { depth: Infinity, showHidden: true, customInspect: false });
}

test('an inline clientSecret in the environments YAML is in no property of the ConfigError', () => {
  const config = baseConfig();
  config.environments.prod.clientSecret = SECRET;
  const err = configError(config);
  expect(printed(err)).not.toContain(SECRET);
  expect(printed(err)).not.toContain('5f4e3d2c1b0a');
});

test('the fix for an inline client secret names the variable of that same environment', () => {
  const config = baseConfig();
  config.environments.prod.clientSecret = SECRET;
  expect(configError(config).message).toContain('clientSecretVariable: prod_thingpark_client_secret');
});

test('a refused clientSecret, signing key or downlink AS key is in no property of the ValidationError', () => {
  const errors = [
    validationError(() => oauthApi(newStack(), 'Api', { clientSecret: unsafePlaintextSecret(SECRET) })),
    validationError(() => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { webhookSigningKey: unsafePlaintextSecret(SECRET) });
    }),
    validationError(() => {
      const stack = newStack();
      qubitro(stack, oauthApi(stack), 'Uplinks', { downlinkAsKey: unsafePlaintextSecret(SECRET) });
    }),
  ];
  for (const err of errors) expect(printed(err)).not.toContain('5f4e3d2c1b0a');
});

test('a ValidationError names the construct path and lists each refused field with what is allowed', () => {
  const err = validationError(() => oauthApi(newStack(), 'Api', { maxRetries: 99, timeoutSeconds: 0 }));
  expect(err.constructPath).toBe('stack/Api');
  expect(err.problems.map((p) => [p.field, p.value])).toEqual([
    ['maxRetries', 99],
    ['timeoutSeconds', 0],
  ]);
  expect(err.problems.every((p) => p.allowed.length > 0 && p.fix.length > 0)).toBe(true);
});

test('construct and config errors are both InputErrors, so one catch handles refused input', () => {
  const refused = [
    validationError(() => oauthApi(newStack(), 'Api', { maxRetries: 99 })),
    configError({ ...baseConfig(), environments: {} }),
  ];
  expect(refused.map((e) => [e instanceof InputError, e.name])).toEqual([
    [true, 'ValidationError'],
    [true, 'ConfigError'],
  ]);
});

describe(`printing refused input (${DEBUG_VARIABLE})`, () => {
  const refuse = () => validationError(() => oauthApi(newStack(), 'Api', { maxRetries: 99 }));
  afterEach(() => delete process.env[DEBUG_VARIABLE]);

  test('an uncaught refusal prints as its message alone: no stack frame, no property dump', () => {
    const err = refuse();
    const uncaught = inspect(err, { customInspect: false }); // how Node prints an uncaught error
    expect(uncaught).toBe(`[${err.name}: ${err.message}]`);
    expect(inspect(err)).toBe(`ValidationError: ${err.message}`);
  });

  test(`with ${DEBUG_VARIABLE}=1 it prints its stack and every property`, () => {
    process.env[DEBUG_VARIABLE] = '1';
    const printedWithDebug = inspect(refuse(), { customInspect: false });
    expect(printedWithDebug).toMatch(/\n\s+at /);
    expect(printedWithDebug).toMatch(/problems: \[/);
    expect(printedWithDebug).toMatch(/constructPath: 'stack\/Api'/);
  });
});

/** The public API, pinned: a new export is a decision taken here, not an accident of `export *`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as emulator from '../../emulator';
import * as root from '../../src';
import * as review from '../../src/review';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));

test('the package root exports the constructs, the environments API and the error classes', () => {
  expect(Object.keys(root).sort()).toEqual([
    'ConfigError',
    'HEALTHY_STATE',
    'INACTIVE_STATE',
    'InputError',
    'IotFlowApi',
    'IotFlowConnection',
    'QUBITRO_BRAND',
    'QUBITRO_CONNECTOR_ID',
    'QUBITRO_DEFAULT_DESTINATION',
    'QubitroConnection',
    'QubitroProjectStack',
    'ValidationError',
    'addEnvironmentStacks',
    'defaultSigningKeyVariable',
    'environmentsConfigSchema',
    'environmentsJsonSchema',
    'loadEnvironmentsConfig',
    'parseEnvironmentsConfig',
    'stackName',
    'unsafePlaintextSecret',
    'validateEnvironmentsConfig',
  ]);
});

test('the review subpath exports the review builders and its error class', () => {
  expect(Object.keys(review).sort()).toEqual([
    'ReviewError',
    'buildReview',
    'readSynthesizedStacks',
    'reviewMarkdown',
  ]);
});

test('the emulator subpath exports the server, its defaults and the connector table', () => {
  expect(Object.keys(emulator).sort()).toEqual([
    'COMMON_CONFIGURATION_DEFAULTS',
    'CONNECTION_STATES',
    'CONNECTORS',
    'DEFAULT_CLIENT_ID',
    'DEFAULT_CLIENT_SECRET',
    'DEFAULT_LOG_MAX_BYTES',
    'DEFAULT_LOG_MAX_ENTRIES',
    'DEFAULT_PAGE_SIZE',
    'DEFAULT_SETTLE_MS',
    'HTTP_CONNECTOR_ID',
    'MASK',
    'MAX_JSON_DEPTH',
    'OptionError',
    'RECONNECT_STRATEGIES',
    'fingerprint',
    'isCredentialHeader',
    'isLoopbackHost',
    'startEmulator',
  ]);
});

test('package.json maps the root, ./review and ./emulator to the built entry points and their types', () => {
  expect(
    Object.fromEntries(
      Object.entries(pkg.exports as Record<string, { default: string; types: string } | string>)
        .filter(([, v]) => typeof v !== 'string')
        .map(([k, v]) => [k, v]),
    ),
  ).toEqual({
    '.': { types: './lib/src/index.d.ts', default: './lib/src/index.js' },
    './review': { types: './lib/src/review/index.d.ts', default: './lib/src/review/index.js' },
    './emulator': { types: './lib/emulator/index.d.ts', default: './lib/emulator/index.js' },
  });
});

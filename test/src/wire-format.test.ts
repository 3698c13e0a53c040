/**
 * The API facts both languages need come from one file, provider/internal/facts/facts.json: the TypeScript side
 * imports it, the Go side embeds it (provider/internal/facts/facts_test.go asserts the same values there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONFIGURATION_DEFAULTS,
  CREDENTIAL_HEADERS,
  MASK,
  QUBITRO_DEFAULT_DESTINATION,
  TOKEN_PATH,
} from '../../src/wire-format';

const root = path.resolve(__dirname, '../..');
const FACTS = 'provider/internal/facts/facts.json';
const onDisk = JSON.parse(fs.readFileSync(path.join(root, FACTS), 'utf8'));

test('the token path, the mask and the configuration defaults are the documented ones', () => {
  expect([TOKEN_PATH, MASK]).toEqual(['/users-auth/protocol/openid-connect/token', '*****']);
  expect(CONFIGURATION_DEFAULTS).toEqual({
    createDevices: true,
    sendMetadata: false,
    sendRawDecodedFormat: false,
    downlinkEnabled: true,
    reconnectStrategy: 'NORMAL',
  });
});

test('they are read from the facts file, nothing spelled out beside it', () => {
  expect({
    tokenPath: TOKEN_PATH,
    mask: MASK,
    credentialHeaders: CREDENTIAL_HEADERS,
    configurationDefaults: CONFIGURATION_DEFAULTS,
  }).toEqual(onDisk);
});

test('the Go side embeds the same file', () => {
  const go = fs.readFileSync(path.join(root, path.dirname(FACTS), 'facts.go'), 'utf8');
  expect(go).toMatch(new RegExp(`^//go:embed ${path.basename(FACTS)}$`, 'm'));
});

test('the package ships the facts file, so that the engine can build the provider from an installed package', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.files).toContain(FACTS);
});

test('the configuration defaults cannot be changed by a caller', () => {
  expect(Object.isFrozen(CONFIGURATION_DEFAULTS)).toBe(true);
});

test("Qubitro's default destination is one plain constant, the one the constructs and the review compare with", () => {
  expect(QUBITRO_DEFAULT_DESTINATION).toBe('https://webhook.qubitro.com/integrations/actility');
});

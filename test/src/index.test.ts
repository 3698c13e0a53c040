/**
 * The public API, pinned: a new export, value or type, is a decision taken here, not an accident of
 * `export *`. The names come from the type checker, so type-only exports count too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ENTRY_POINTS = ['src/index.ts', 'src/review/index.ts', 'emulator/index.ts'];
const program = ts.createProgram(
  ENTRY_POINTS.map((f) => path.join(ROOT, f)),
  {
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
);

/** Every name an entry point exports, values and types, sorted. */
function exportsOf(entryPoint: string): string[] {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entryPoint))!)!;
  return checker
    .getExportsOfModule(module)
    .map((s) => s.name)
    .sort();
}

test('the package root exports the constructs and their props, the environments API and the error classes', () => {
  expect(exportsOf('src/index.ts')).toEqual([
    'Alarm',
    'BackendConfig',
    'CayenneConnection',
    'CayenneConnectionProps',
    'CommonsenseConnection',
    'CommonsenseConnectionProps',
    'ConfigError',
    'ConfigProblem',
    'ConfigSourceOptions',
    'ConnectionConfig',
    'ConnectionOptions',
    'ConnectionOverrides',
    'DatacakeConnection',
    'DatacakeConnectionProps',
    'EnvironmentConfig',
    'EnvironmentStack',
    'EnvironmentStackMetadata',
    'EnvironmentsConfig',
    'EnvironmentsConfigSource',
    'FieldProblem',
    'GearStudioConnection',
    'GearStudioConnectionProps',
    'GinjerConnection',
    'GinjerConnectionProps',
    'HEALTHY_STATE',
    'INACTIVE_STATE',
    'InputError',
    'IotFlowApi',
    'IotFlowApiProps',
    'IotFlowConnection',
    'IotFlowConnectionProps',
    'NomosenseConnection',
    'NomosenseConnectionProps',
    'OpinumConnection',
    'OpinumConnectionProps',
    'PresetConnectionOptions',
    'PresetProjectConnection',
    'PresetProjectStack',
    'PresetProjectStackProps',
    'ProjectConfig',
    'ProjectEndpointProps',
    'QUBITRO_BRAND',
    'QUBITRO_CONNECTOR_ID',
    'QUBITRO_DEFAULT_DESTINATION',
    'QubitroConnection',
    'QubitroConnectionProps',
    'QubitroProjectConnection',
    'QubitroProjectStack',
    'QubitroProjectStackProps',
    'TagoConnection',
    'TagoConnectionProps',
    'UnabizConnection',
    'UnabizConnectionProps',
    'ValidationError',
    'WidgelixConnection',
    'WidgelixConnectionProps',
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

test('the review subpath exports the review and verify builders, their types and its error class', () => {
  expect(exportsOf('src/review/index.ts')).toEqual([
    'Action',
    'Check',
    'FieldChange',
    'PlanInput',
    'RenderOptions',
    'Review',
    'ReviewError',
    'ReviewedConnection',
    'ReviewedSecret',
    'ReviewedStack',
    'SecretStatus',
    'SynthesizedStack',
    'Verdict',
    'Verification',
    'VerifiedConnection',
    'VerifyOptions',
    'buildReview',
    'readSynthesizedStacks',
    'renderVerification',
    'reviewMarkdown',
    'verificationJson',
    'verify',
  ]);
});

test('the emulator subpath exports both emulators, their options and defaults, and the connector table', () => {
  expect(exportsOf('emulator/index.ts')).toEqual([
    'ApiKeySeed',
    'COMMON_CONFIGURATION_DEFAULTS',
    'CONNECTION_STATES',
    'CONNECTORS',
    'Connection',
    'ConnectionState',
    'ConnectorSpec',
    'DEFAULT_CLIENT_ID',
    'DEFAULT_CLIENT_SECRET',
    'DEFAULT_LOG_MAX_BYTES',
    'DEFAULT_LOG_MAX_ENTRIES',
    'DEFAULT_PAGE_SIZE',
    'DEFAULT_SETTLE_MS',
    'Delivery',
    'EmulatorOptions',
    'FaultRule',
    'HTTP_CONNECTOR_ID',
    'KeyMatcher',
    'MASK',
    'MAX_JSON_DEPTH',
    'NOT_FOUND_OR_DENIED',
    'OptionError',
    'ProjectSeed',
    'QubitroEmulatorOptions',
    'RECONNECT_STRATEGIES',
    'RateLimitOptions',
    'RateLimitStatus',
    'ReceivedUplink',
    'RequestLogEntry',
    'RequestLogLimits',
    'ResolvedOptions',
    'RunningEmulator',
    'RunningQubitroEmulator',
    'UplinkRequest',
    'fingerprint',
    'isCredentialHeader',
    'isLoopbackHost',
    'startEmulator',
    'startQubitroEmulator',
  ]);
});

test('package.json maps the root, ./review and ./emulator to the compiled entry points, types included', () => {
  const compiled = (entry: string, ext: string) => `./lib/${entry.replace(/\.ts$/, ext)}`;
  const subpaths = ['.', './review', './emulator'];
  expect(subpaths.map((s) => pkg.exports[s])).toEqual(
    ENTRY_POINTS.map((e) => ({ types: compiled(e, '.d.ts'), default: compiled(e, '.js') })),
  );
  // Type resolution without `exports` support (moduleResolution node10) goes through typesVersions.
  expect(subpaths.slice(1).map((s) => pkg.typesVersions['*'][s.slice(2)])).toEqual(
    ENTRY_POINTS.slice(1).map((e) => [compiled(e, '.d.ts').slice(2)]),
  );
});

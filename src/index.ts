/**
 * The public API: the constructs and their props, the environments config, and the error classes. The review
 * is `cdktf-thingpark-qubitro/review`, the emulator `cdktf-thingpark-qubitro/emulator`. test/src/index.test.ts
 * pins this list.
 */
export { IotFlowApi, IotFlowApiProps } from './iot-flow-api';
export {
  Alarm,
  ConnectionOptions,
  HEALTHY_STATE,
  INACTIVE_STATE,
  IotFlowConnection,
  IotFlowConnectionProps,
} from './iot-flow-connection';
export { QubitroConnection, QubitroConnectionProps } from './qubitro-connection';
export {
  CayenneConnection,
  CommonsenseConnection,
  DatacakeConnection,
  GearStudioConnection,
  GinjerConnection,
  NomosenseConnection,
  OpinumConnection,
  TagoConnection,
  UnabizConnection,
  WidgelixConnection,
} from './presets/connections';
export type { PresetConnectionOptions } from './presets/options';
export type { CayenneConnectionProps } from './presets/cayenne';
export type { CommonsenseConnectionProps } from './presets/commonsense';
export type { DatacakeConnectionProps } from './presets/datacake';
export type { GearStudioConnectionProps } from './presets/gear-studio';
export type { GinjerConnectionProps } from './presets/ginjer';
export type { NomosenseConnectionProps } from './presets/nomosense';
export type { OpinumConnectionProps } from './presets/opinum';
export type { TagoConnectionProps } from './presets/tago';
export type { UnabizConnectionProps } from './presets/unabiz';
export type { WidgelixConnectionProps } from './presets/widgelix';
export { QUBITRO_BRAND, QUBITRO_CONNECTOR_ID, QUBITRO_DEFAULT_DESTINATION } from './wire-format';
export {
  QubitroProjectConnection,
  QubitroProjectStack,
  QubitroProjectStackProps,
} from './qubitro-project-stack';
export {
  PresetProjectConnection,
  PresetProjectStack,
  PresetProjectStackProps,
  ProjectEndpointProps,
} from './preset-project-stack';
export { unsafePlaintextSecret } from './secrets';
export { ConfigError, ConfigProblem, FieldProblem, InputError, ValidationError } from './errors';
export {
  addEnvironmentStacks,
  ConfigSourceOptions,
  EnvironmentsConfigSource,
  EnvironmentStack,
  EnvironmentStackMetadata,
  loadEnvironmentsConfig,
  parseEnvironmentsConfig,
  stackName,
  validateEnvironmentsConfig,
} from './environments';
export {
  BackendConfig,
  ConnectionConfig,
  ConnectionOverrides,
  EnvironmentConfig,
  EnvironmentsConfig,
  ProjectConfig,
  defaultSigningKeyVariable,
  environmentsConfigSchema,
  environmentsJsonSchema,
} from './schema/environments';

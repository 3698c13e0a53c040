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
export { QUBITRO_BRAND, QUBITRO_CONNECTOR_ID, QUBITRO_DEFAULT_DESTINATION } from './wire-format';
export {
  QubitroProjectConnection,
  QubitroProjectStack,
  QubitroProjectStackProps,
} from './qubitro-project-stack';
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

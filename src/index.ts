export * from './errors';
export { CONNECTIONS_PATH, IotFlowApi, IotFlowApiProps, defaultTokenUrl } from './iot-flow-api';
export {
  Alarm,
  HEALTHY_STATE,
  INACTIVE_STATE,
  IotFlowConnection,
  IotFlowConnectionProps,
} from './iot-flow-connection';
export {
  QUBITRO_BRAND,
  QUBITRO_CONNECTOR_ID,
  QUBITRO_DEFAULT_DESTINATION,
  QubitroConnection,
  QubitroConnectionProps,
} from './qubitro-connection';
export {
  QubitroProjectConnection,
  QubitroProjectStack,
  QubitroProjectStackProps,
} from './qubitro-project-stack';
export { fingerprint, unsafePlaintextSecret } from './secrets';
export { IOTFLOW_PROVIDER } from './providers/iotflow';
export * from './environments';
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
export * from './review';

export {
  ConfigSourceOptions,
  EnvironmentsConfigSource,
  loadEnvironmentsConfig,
  parseEnvironmentsConfig,
  validateEnvironmentsConfig,
} from './config';
export { addEnvironmentStacks, EnvironmentStack, EnvironmentStackMetadata } from './stacks';
export { stackName } from './resolve';

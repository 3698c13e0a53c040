export {
  ConfigSourceOptions,
  EnvironmentsConfigSource,
  loadEnvironmentsConfig,
  parseEnvironmentsConfig,
  validateEnvironmentsConfig,
} from './config';
export {
  addEnvironmentStacks,
  EnvironmentStack,
  EnvironmentStackMetadata,
  synthesizeEnvironments,
} from './stacks';
export { stackName } from './resolve';

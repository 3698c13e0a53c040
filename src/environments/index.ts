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
  STACK_METADATA_KEY,
} from './stacks';
export { ResolvedBackend, ResolvedStack, resolveBackend, resolveStacks, stackName } from './resolve';

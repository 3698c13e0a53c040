/**
 * `npm run test:unit`: jest.config.js without project `engine`, so without the engine's global setup. A config
 * of its own rather than `--selectProjects`, which would take a test path given after it for a project name.
 */
import config from './jest.config.js';

/** @type {import('jest').Config} */
export default { ...config, projects: config.projects.filter((p) => p.displayName !== 'engine') };

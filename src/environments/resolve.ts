/**
 * Pure resolution of an environments config into the stacks it makes: one per (environment, project) that
 * has a connection promoted to the environment (or lists the environment under `environments`), named
 * `<env>-<project>`, with each promoted connection's options merged with its overrides for that environment.
 */
import * as path from 'node:path';
import { resolveStackBackend } from '../backend';
import type { PresetDefinition } from '../presets/definition';
import type {
  PresetProjectConnection,
  PresetProjectStackProps,
  ProjectEndpointProps,
} from '../preset-project-stack';
import {
  defaultSecretVariable,
  presetOfProject,
  secretVariableKey,
  type BackendConfig,
  type EnvironmentConfig,
  type EnvironmentsConfig,
} from '../schema/environments';

/** A path into the config, e.g. `['projects', 2, 'connections', 0, 'projectId']`. */
export type ConfigPath = (string | number)[];

export interface ResolvedConnection {
  readonly props: PresetProjectConnection;
  /** Where the effective `name` is written: the connection, or its override for this environment. */
  readonly namePath: ConfigPath;
}

export interface ResolvedStack {
  /** `<env>-<project>`. */
  readonly name: string;
  readonly environment: string;
  readonly project: string;
  readonly projectIndex: number;
  readonly preset: PresetDefinition;
  readonly props: PresetProjectStackProps;
  /** Where each secret's effective variable is written (the project key when it is the default), by prop. */
  readonly secretVariablePaths: Readonly<Record<string, ConfigPath>>;
  readonly connections: readonly ResolvedConnection[];
}

export function stackName(environment: string, project: string): string {
  return `${environment}-${project}`;
}

/** The stacks the config makes, environment by environment in file order, then project by project. */
export function resolveStacks(config: EnvironmentsConfig): ResolvedStack[] {
  return Object.entries(config.environments).flatMap(([env, environment]) =>
    config.projects.flatMap((project, projectIndex) => {
      const listed = project.environments?.[env];
      const promoted = project.connections
        .map((connection, index) => ({ connection, index }))
        .filter(({ connection }) => connection.promoteTo.includes(env));
      if (!promoted.length && !listed) return [];
      const at = (...rest: ConfigPath): ConfigPath => ['projects', projectIndex, ...rest];
      const preset = presetOfProject(project);
      const secretVariables: Record<string, string> = {};
      const secretVariablePaths: Record<string, ConfigPath> = {};
      for (const secret of preset.secrets) {
        const key = secretVariableKey(secret);
        const inEnvironment = listed?.[key];
        const inProject = project[key] as string | undefined;
        secretVariables[secret.prop] =
          inEnvironment ?? inProject ?? defaultSecretVariable(env, project.key, secret);
        secretVariablePaths[secret.prop] = inEnvironment
          ? at('environments', env, key)
          : inProject
            ? at(key)
            : at('key');
      }
      const connections = promoted.map(({ connection, index }): ResolvedConnection => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { promoteTo, overrides, ...options } = connection;
        const override = overrides?.[env] ?? {};
        return {
          props: { ...options, ...override },
          namePath:
            override.name !== undefined
              ? at('connections', index, 'overrides', env, 'name')
              : at('connections', index, 'name'),
        };
      });
      const stack: ResolvedStack = {
        name: stackName(env, project.key),
        environment: env,
        project: project.key,
        projectIndex,
        preset,
        secretVariablePaths,
        connections,
        props: {
          ...endpointProps(environment),
          kind: preset.kind,
          fields: Object.fromEntries(
            preset.fields.map((f) => [f.prop, (listed?.[f.prop] ?? project[f.prop]) as string]),
          ),
          secretVariables,
          connections: connections.map((c) => c.props),
        },
      };
      return [stack];
    }),
  );
}

function endpointProps(e: EnvironmentConfig): ProjectEndpointProps {
  return {
    baseUrl: e.baseUrl,
    clientId: e.clientId,
    tokenUrl: e.tokenUrl,
    maxRetries: e.maxRetries,
    clientSecretVariable: e.clientSecretVariable,
    bearerTokenVariable: e.bearerTokenVariable,
    encryptionPassphraseVariable: e.encryptionPassphraseVariable,
  };
}

/**
 * The backend of `stack`, every default and placeholder filled in: the environment's, or a local state file
 * `terraform.<stack>.tfstate`; local paths are made absolute under `stateDir` (relative to `baseDir`, the
 * config file's folder).
 */
export function resolveBackend(
  backend: BackendConfig | undefined,
  stack: Pick<ResolvedStack, 'name' | 'environment' | 'project'>,
  baseDir: string,
  stateDir = '.',
): BackendConfig {
  const resolved = resolveStackBackend(backend ?? { local: {} }, {
    stack: stack.name,
    env: stack.environment,
    project: stack.project,
  });
  return resolved.local
    ? { local: { path: path.resolve(baseDir, stateDir, resolved.local.path!) } }
    : resolved;
}

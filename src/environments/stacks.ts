/**
 * Builds one PresetProjectStack (of the project's kind) per (environment, project) of an environments config, named
 * `<env>-<project>`, each with its environment's state backend. `cdktf diff 'prod-*'` then plans one
 * environment only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { App } from '../framework';
import { STACK_METADATA_KEY } from '../wire-format';
import { invalidConfig } from '../errors';
import { PresetProjectStack } from '../preset-project-stack';
import { fieldName } from '../validate';
import { checkedSource, EnvironmentsConfigSource } from './config';
import { resolveBackend } from './resolve';

/** What `"//".qubitro` holds in each environment stack's cdk.tf.json, for `qubitro-review`. */
export interface EnvironmentStackMetadata {
  readonly environment: string;
  readonly project: string;
}

export interface EnvironmentStack extends EnvironmentStackMetadata {
  /** `<env>-<project>`. */
  readonly name: string;
  readonly stack: PresetProjectStack;
}

/**
 * The stacks of an environments YAML synthesized into a new temporary folder, whose path it returns: what
 * the commands' `--config` reads (`qubitro-verify`, `qubitro-drift`).
 */
export function synthesizeEnvironments(file: string, tmpPrefix: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const app = new App({ outdir });
  addEnvironmentStacks(app, path.resolve(file));
  app.synth();
  return outdir;
}

/**
 * Adds the stacks of an environments config to `scope` (usually the cdktf `App`): one per environment and
 * project with at least one connection promoted to that environment (or the environment listed under the
 * project's `environments`). `source` is a YAML file or a config loaded with `loadEnvironmentsConfig`.
 */
export function addEnvironmentStacks(
  scope: Construct,
  source: string | EnvironmentsConfigSource,
): EnvironmentStack[] {
  const {
    source: { file, baseDir, config },
    stacks,
  } = checkedSource(source);
  return stacks.map((s) => {
    if (scope.node.tryFindChild(s.name)) {
      throw invalidConfig(file, [
        {
          field: fieldName(['projects', s.projectIndex, 'key']),
          value: s.project,
          allowed: `a key whose stack name ${s.name} no other construct of the app uses`,
          fix: `rename the project, or the other construct named ${s.name}`,
        },
      ]);
    }
    const stack = new PresetProjectStack(scope, s.name, {
      ...s.props,
      backend: resolveBackend(config.environments[s.environment].backend, s, baseDir, config.stateDir),
    });
    const metadata: EnvironmentStackMetadata = { environment: s.environment, project: s.project };
    stack.addOverride(`//.${STACK_METADATA_KEY}`, metadata);
    return { ...metadata, name: s.name, stack };
  });
}

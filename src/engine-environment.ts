import * as fs from 'node:fs';
import { IConstruct } from 'constructs';
import { Annotations } from './framework';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from './wire-format';

/** The one line that prepares a shell to deploy: the README and every warning name it. */
export const ENGINE_INSTALL_COMMAND = 'eval "$(npx qubitro-engine install)"';

/**
 * Why the engine could not resolve the `iotflow` provider from this process's environment, or undefined when
 * it can: `qubitro-engine install` exports a `TF_CLI_CONFIG_FILE` whose filesystem mirror serves it. The
 * provider is on no public registry, so without that file `init` fails with registry errors that never say
 * how to get it.
 */
export function missingEngineEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.TF_CLI_CONFIG_FILE;
  if (!file) return 'TF_CLI_CONFIG_FILE is not set';
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return `TF_CLI_CONFIG_FILE names ${file}, which cannot be read`;
  }
  return text.includes(`/${PROVIDER_SOURCE}"`)
    ? undefined
    : `TF_CLI_CONFIG_FILE names ${file}, which serves no ${PROVIDER_SOURCE} mirror`;
}

/**
 * A synth-time warning on `scope` when this process runs without the installer's environment, so that a
 * forgotten `qubitro-engine install` is named before the engine fails on it.
 */
export function warnWithoutEngineEnvironment(scope: IConstruct, env: NodeJS.ProcessEnv = process.env): void {
  const why = missingEngineEnvironment(env);
  if (!why) return;
  Annotations.of(scope).addWarning(
    `The ${PROVIDER_SOURCE} ${PROVIDER_VERSION} provider is on no public registry and this process was not ` +
      `started from qubitro-engine's environment (${why}): run \`${ENGINE_INSTALL_COMMAND}\` in this shell ` +
      'before deploying, or init fails looking for the provider on a registry.',
  );
}

/** A small valid environments config, and helpers to check it and synthesize its stacks. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { stringify } from 'yaml';
import { DEFAULT_CLIENT_ID } from '../../../emulator';
import {
  addEnvironmentStacks,
  ConfigError,
  EnvironmentsConfigSource,
  parseEnvironmentsConfig,
  validateEnvironmentsConfig,
} from '../../../src';
import { bodyOf, connections, TfJson } from '../../support/synth';

export const FARM_PROJECT = 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4';
export const FARM_PROD_PROJECT = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
export const FLEET_PROJECT = '4b7f2a8e-93c1-4d5e-a6f0-1c2d3e4f5a6b';
export const PUMPS_PROJECT = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const FILE = 'config/environments.yaml';

/** The example app's config. */
export const EXAMPLE_FILE = path.resolve(__dirname, '../../../examples/environments/environments.yaml');

/** The config tests start from, as plain data to edit; `any` so a test can break it in any way. */

export function baseConfig(): any {
  return {
    environments: {
      dev: {
        baseUrl: 'http://127.0.0.1:8787/iot-flow/v1',
        clientId: DEFAULT_CLIENT_ID,
        clientSecretVariable: 'dev_thingpark_client_secret',
      },
      prod: {
        baseUrl: 'https://community.thingpark.io/iot-flow/v1',
        clientId: 'farm-ops',
        clientSecretVariable: 'prod_thingpark_client_secret',
      },
    },
    projects: [
      {
        key: 'farm',
        projectId: FARM_PROJECT,
        environments: { prod: { projectId: FARM_PROD_PROJECT } },
        connections: [
          {
            id: 'Uplinks',
            name: 'Farm uplinks',
            uplinkTimeValidity: '5m',
            promoteTo: ['dev', 'prod'],
            overrides: { prod: { reconnectStrategy: 'CALM' } },
          },
          { id: 'Debug', name: 'Farm debug feed', sendRawDecodedFormat: true, promoteTo: ['dev'] },
        ],
      },
      {
        key: 'fleet',
        projectId: FLEET_PROJECT,
        connections: [{ id: 'Trackers', name: 'Fleet trackers', downlinkPort: 15, promoteTo: ['dev'] }],
      },
    ],
  };
}

/** Loads `config` as the YAML file FILE would hold it. */
export function load(config: unknown, baseDir = '/srv/app'): EnvironmentsConfigSource {
  return parseEnvironmentsConfig(stringify(config), { file: FILE, baseDir });
}

/** The ConfigError that loading `config` raises; fails the test when it loads. */
export function configError(config: unknown): ConfigError {
  try {
    load(config);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

/** Synthesizes the stacks of `source` into a new temporary folder; returns it and each stack's JSON. */
export function synthesize(source: EnvironmentsConfigSource | unknown): {
  outdir: string;
  stacks: Record<string, TfJson>;
} {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-'));
  const app = new App({ outdir });
  const loaded =
    source !== null && typeof source === 'object' && 'config' in source
      ? (source as EnvironmentsConfigSource)
      : validateEnvironmentsConfig(source, { file: FILE, baseDir: '/srv/app' });
  addEnvironmentStacks(app, loaded);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stacks = Object.fromEntries(
    Object.keys(manifest.stacks).map((name) => [
      name,
      JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as TfJson,
    ]),
  );
  return { outdir, stacks };
}

/** The connection bodies (`bodyOf`) of a synthesized stack, by name. */
export function bodiesByName(tf: TfJson): Record<string, TfJson> {
  return Object.fromEntries(
    Object.values(connections(tf))
      .map(bodyOf)
      .map((body) => [body.name, body]),
  );
}

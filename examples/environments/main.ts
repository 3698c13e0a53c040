/**
 * One stack per (environment, project) from environments.yaml: dev-farm, dev-fleet and prod-farm.
 *
 *   npx cdktf diff dev-farm --skip-provider-lock    plans one stack (diff takes exactly one)
 *   npx cdktf deploy 'prod-*' --skip-provider-lock  deploys prod only (deploy takes several, or a pattern)
 *
 * Secrets come from TF_VAR_<name> for the variable names in the file, e.g. TF_VAR_dev_thingpark_client_secret,
 * TF_VAR_dev_farm_signing_key (the default signing key variable is <env>_<project>_signing_key).
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { addEnvironmentStacks } from '../../src';

const app = new App();
addEnvironmentStacks(app, path.join(__dirname, 'environments.yaml'));
app.synth();

/**
 * Setup of the jest project that runs the unit suites on CDK Terrain (jest.config.js). In this process its
 * moduleNameMapper resolves `cdktf` to `cdktn`; the examples' suites run `tsx` in child processes, which
 * resolve it through tsconfig.cdktn.json's `paths`.
 */
import { FLAVOURS, sourcesEnv } from '../../tooling/flavour';

const cdktn = FLAVOURS.cdktn;
Object.assign(process.env, sourcesEnv(cdktn));

// A mapping that missed src/framework.ts would test cdktf twice and pass: stop every suite instead.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the two modules as jest resolves them
if (require('../../src/framework').TerraformStack !== require(cdktn.framework.package).TerraformStack)
  throw new Error('jest project cdktn: src/framework.ts does not resolve cdktf to cdktn');

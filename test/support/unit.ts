/**
 * Setup of the unit projects (jest.config.js): the suites see a machine without the engine. The engine and
 * toolchain cache points at a folder that does not exist, and `tofu` and `terraform` on PATH are stand-ins
 * that fail, so a unit suite that needs either fails in every run rather than only on a new machine.
 */
import * as path from 'node:path';

// Under a file, so that no install can create it.
process.env.QUBITRO_ENGINE_CACHE = path.join(__dirname, 'no-engine', 'tofu', 'cache');
process.env.PATH = [path.join(__dirname, 'no-engine'), process.env.PATH ?? ''].join(path.delimiter);

/**
 * Builds the engine before any test when it is missing (slow only the first time, with progress on stderr).
 * Outside CI a failed build is reported and the engine-backed suites fail with that reason; under CI=true
 * it stops the run at once, since a missing engine there must be a failure, never a skip.
 */
import { installEngine } from '../../engine/engine';

export default function globalSetup(): void {
  try {
    installEngine({ log: (m) => process.stderr.write(`[engine] ${m}\n`) });
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    process.stderr.write(`[engine] not available: ${(err as Error).message}\n`);
  }
}

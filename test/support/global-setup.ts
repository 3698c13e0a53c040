/**
 * Builds the engine, and installs the Node 22 toolchain the cdktn CLI runs on, before any test when they are
 * missing (slow only the first time, with progress on stderr). Outside CI a failed install is reported and
 * the suites that need it fail with that reason; under CI=true it stops the run at once, since a missing
 * engine or toolchain there must be a failure, never a skip.
 */
import { installEngine } from '../../engine/engine';
import { FLAVOURS } from '../../tooling/flavour';
import { installToolchain } from '../../tooling/node';

type Log = (message: string) => void;

const INSTALLS: [string, (log: Log) => unknown][] = [
  ['engine', (log) => installEngine({ log })],
  ['toolchain', (log) => installToolchain(FLAVOURS.cdktn, log)],
];

export default function globalSetup(): void {
  for (const [name, install] of INSTALLS) {
    try {
      install((m) => process.stderr.write(`[${name}] ${m}\n`));
    } catch (err) {
      if (process.env.CI === 'true') throw err;
      process.stderr.write(`[${name}] not available: ${(err as Error).message}\n`);
    }
  }
}

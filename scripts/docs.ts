/**
 * `npm run docs`: regenerates provider/docs/ from the provider's schema (built from provider/, served to the
 * engine the user has) and provider/examples/. test/engine/docs.test.ts fails when they are stale.
 */
import { EngineChoice, installEngine } from '../engine/engine';
import { generateDocs, providerSchema } from '../tooling/docs';

try {
  const log = (m: string) => process.stderr.write(`[docs] ${m}\n`);
  const engine = installEngine({
    engine: (process.env.QUBITRO_ENGINE as EngineChoice | undefined) || 'auto',
    log,
  });
  process.stdout.write(`${generateDocs(providerSchema(engine))}\n`);
} catch (err) {
  process.stderr.write(`docs: ${(err as Error).message}\n`);
  process.exit(1);
}

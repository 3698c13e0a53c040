/**
 * The flavours' dev tooling, for npm scripts and `.ci/run`:
 *
 *   tsx tooling/cli.ts build cdktn        write flavours/cdktn/ from lib/ (run `npm run build` first)
 *   tsx tooling/cli.ts toolchain cdktn    install the Node toolchain the cdktn CLI needs (cached)
 */
import { parseArgs } from 'node:util';
import { buildFlavour, FLAVOURS, FlavourName } from './flavour';
import { installToolchain } from './node';

const USAGE = `Usage: tsx tooling/cli.ts build <flavour>
       tsx tooling/cli.ts toolchain <flavour>

  build      write flavours/<flavour>/, the package of that flavour, from lib/ (after npm run build)
  toolchain  install the Node and CLI that flavour's CLI-driven tests run on, when missing (progress on
             stderr; cached beside the engine in ~/.cache/cdktf-thingpark-qubitro)
  flavours:  ${Object.keys(FLAVOURS).join(', ')}
`;

function main(): void {
  const { positionals } = parseArgs({ allowPositionals: true });
  const [command, name] = positionals;
  const flavour = FLAVOURS[name as FlavourName];
  if (positionals.length !== 2 || !flavour || !['build', 'toolchain'].includes(command)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  if (command === 'build') {
    process.stdout.write(`${buildFlavour(flavour)}\n`);
    return;
  }
  const toolchain = installToolchain(flavour, (m) => process.stderr.write(`[toolchain] ${m}\n`));
  process.stdout.write(`${toolchain.cli}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

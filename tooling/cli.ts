/**
 * The flavours' dev tooling, for npm scripts and `.ci/run`:
 *
 *   tsx tooling/cli.ts build cdktn        write flavours/cdktn/ from lib/ (run `npm run build` first)
 *   tsx tooling/cli.ts toolchain cdktn    install the Node toolchain the cdktn CLI needs (cached)
 *   tsx tooling/cli.ts lock cdktn         regenerate that toolchain's lockfile (tooling/toolchain/cdktn/)
 */
import { parseArgs } from 'node:util';
import { buildFlavour, FLAVOURS, FlavourName } from './flavour';
import { installToolchain, lockToolchain } from './node';

const USAGE = `Usage: tsx tooling/cli.ts build <flavour>
       tsx tooling/cli.ts toolchain <flavour>
       tsx tooling/cli.ts lock <flavour>

  build      write flavours/<flavour>/, the package of that flavour, from lib/ (after npm run build)
  toolchain  install the Node and CLI that flavour's CLI-driven tests run on, when missing (progress on
             stderr; cached beside the engine in ~/.cache/cdktf-thingpark-qubitro)
  lock       rewrite tooling/toolchain/<flavour>/package-lock.json from its package.json, with that Node
  flavours:  ${Object.keys(FLAVOURS).join(', ')}
`;

function main(): void {
  const { positionals } = parseArgs({ allowPositionals: true });
  const [command, name] = positionals;
  const flavour = FLAVOURS[name as FlavourName];
  if (positionals.length !== 2 || !flavour || !['build', 'toolchain', 'lock'].includes(command)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  if (command === 'build') {
    process.stdout.write(`${buildFlavour(flavour)}\n`);
    return;
  }
  const log = (m: string) => process.stderr.write(`[toolchain] ${m}\n`);
  if (command === 'lock') {
    process.stdout.write(`${lockToolchain(flavour, log)}\n`);
    return;
  }
  process.stdout.write(`${installToolchain(flavour, log).cli}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

#!/usr/bin/env node
/**
 * `eval "$(npm run --silent engine:install)"`: builds the engine when it is not cached, then prints only
 * `export` lines on stdout (progress goes to stderr).
 */
import { exportLines, installEngine } from './engine';

try {
  process.stdout.write(`${exportLines(installEngine())}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

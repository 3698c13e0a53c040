#!/usr/bin/env node
/** `npm run engine:install` in this repository: the same as `qubitro-engine install`. */
process.argv.splice(2, 0, 'install');
void import('./cli');

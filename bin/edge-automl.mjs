#!/usr/bin/env node
/**
 * The `edge-automl` command. The CLI is TypeScript (src/cli); tsx's loader compiles it on the fly,
 * so there is no build step between editing the source and running the command.
 */
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

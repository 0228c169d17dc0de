#!/usr/bin/env node
/**
 * The `openswf` binary. It bounds V8's young generation first (young-generation.ts says why
 * this must come before the rest of the program is loaded), then runs the command line
 * (program.ts).
 */
import { boundYoungGeneration } from './young-generation.js';

boundYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
await import('./program.js');

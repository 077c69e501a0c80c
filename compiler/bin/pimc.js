#!/usr/bin/env node
// Committed, executable entry point: tsc does not set the execute bit on its output.
import { run } from '../dist/cli/pimc.js';
run();

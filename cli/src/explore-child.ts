// The entry of an exploration worker process (`pimc explore --workers N`, each slot of `pimc worker`):
// the runtime's job loop with the compiler it needs to build each job's design (the runtime does not
// import the compiler itself).
import { sourcesCompiler } from '@pim/compiler';
import { runJobChild } from '@pim/runtime/explore';

runJobChild(sourcesCompiler());

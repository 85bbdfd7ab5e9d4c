#!/usr/bin/env node
// Entry point of the `bank` command (package.json "bin"): hands argv to the program.

import { buildProgram, runProgram } from "./program.js";

await runProgram(buildProgram(), process.argv.slice(2));

#!/usr/bin/env node
// Entry point of the `bank` command (package.json "bin"): hands argv to the program.

import { buildProgram } from "./program.js";

await buildProgram().parseAsync(process.argv);

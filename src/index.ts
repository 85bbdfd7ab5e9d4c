// The package's public entry: `import { Bank } from "banking-system"`. It re-exports the core, and
// durable mode's `openBank`, which keeps a bank on files.

export * from "./core/index.js";
export * from "./store/index.js";

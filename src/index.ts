// The package's public entry: `import { Bank } from "banking-system"`. It re-exports the core.

export * from "./core/index.js";

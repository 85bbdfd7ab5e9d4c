// GET /health: liveness for load balancers and scripts.

import type { BankApp } from "../app.js";
import { healthSchema } from "../schemas/health.js";

/** Registers `GET /health`. */
export function registerHealthRoutes(app: BankApp): void {
  app.get("/health", { schema: healthSchema }, () => ({ status: "ok" as const }));
}

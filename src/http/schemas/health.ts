// Schema of the liveness probe.

import { Type } from "typebox";
import { problemResponses } from "./common.js";

/** Route schema of `GET /health`. */
export const healthSchema = {
  summary: "Liveness: the server is up",
  tags: ["health"],
  response: {
    200: { description: "The server answers", ...Type.Object({ status: Type.Literal("ok") }) },
    ...problemResponses(),
  },
};

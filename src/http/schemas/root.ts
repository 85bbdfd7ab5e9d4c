// Schema of the server's root: the dashboard for browsers, the seed's welcome with links for programs.

import { Type, type Static } from "typebox";
import { problemResponses } from "./common.js";

const Links = Type.Object({
  docs: Type.String({ description: "Swagger UI", examples: ["/docs"] }),
  openapi: Type.String({ description: "The OpenAPI document", examples: ["/openapi.json"] }),
  health: Type.String({ description: "Liveness", examples: ["/health"] }),
});

/** The JSON answer of `GET /`: the seed's welcome, and where to go next. */
export const Welcome = Type.Object({
  message: Type.Literal("Welcome to the Simple Banking API"),
  links: Links,
});
export type Welcome = Static<typeof Welcome>;

/** Route schema of `GET /`. */
export const rootSchema = {
  summary: "Welcome: the dashboard for browsers, links for programs",
  description: "A client whose Accept header prefers text/html (a browser) gets the dashboard, a web page of the bank; " +
    "any other client (no Accept, `*/*`, application/json) gets the JSON welcome.",
  tags: ["about"],
  response: {
    200: {
      description: "The welcome, in the media type the client prefers",
      content: {
        "application/json": { schema: Welcome },
        "text/html": { schema: Type.String({ description: "The dashboard's page; it loads its script and style from /app/" }) },
      },
    },
    ...problemResponses(),
  },
};

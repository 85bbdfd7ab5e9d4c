// Schema of the problem types' own pages: what each `type` URI of a problem answers.

import { Type, type Static } from "typebox";
import { BANK_PROBLEMS, HTTP_PROBLEMS } from "../errors.js";
import { problemResponses } from "./common.js";

/** Every problem type's slug, from the one catalogue, in its order. */
export const PROBLEM_SLUGS = [...Object.values(BANK_PROBLEMS), ...Object.values(HTTP_PROBLEMS)].map((type) => type.slug);

/** A problem type as `GET /problems/{slug}` describes it. */
export const ProblemTypeBody = Type.Object({
  type: Type.String({ description: "The URI problems of this type carry", examples: ["/problems/insufficient-funds"] }),
  title: Type.String({ examples: ["Insufficient funds"] }),
  status: Type.Integer({ description: "The status problems of this type are answered with" }),
  code: Type.String({ description: "The `code` problems of this type carry", examples: ["INSUFFICIENT_FUNDS"] }),
  description: Type.String({ description: "What it means and what to do" }),
});
export type ProblemTypeBody = Static<typeof ProblemTypeBody>;

/** Route schema of `GET /problems/{slug}`. */
export const problemTypeSchema = {
  summary: "Describe a problem type: what a problem's `type` URI points to",
  description: "A browser (Accept prefers text/html) gets a page; any other client gets JSON. " +
    "A slug that names no problem type is a 404 problem.",
  tags: ["about"],
  params: Type.Object(
    { slug: Type.Enum(PROBLEM_SLUGS, { type: "string", description: "The last segment of the problem's `type`" }) },
    { additionalProperties: false },
  ),
  response: {
    200: {
      description: "The problem type, in the media type the client prefers",
      content: {
        "application/json": { schema: ProblemTypeBody },
        "text/html": { schema: Type.String({ description: "A page with the title, status, code and description" }) },
      },
    },
    ...problemResponses(404, 414),
  },
};

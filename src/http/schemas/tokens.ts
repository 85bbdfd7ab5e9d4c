// Schema of an account-holder token's rotation.

import { Type } from "typebox";
import { HolderToken } from "./accounts.js";
import { Name, NameParams, problemResponses } from "./common.js";

const RotatedToken = Type.Object({
  name: Name,
  token: HolderToken(),
  message: Type.String({ examples: ["Token of 'alice' rotated; the previous one no longer works."] }),
});

/** Route schema of `POST /accounts/{name}/token`. */
export const rotateTokenSchema = {
  summary: "Give an account a new holder token (admin); the previous one stops working at once",
  tags: ["accounts"],
  params: NameParams,
  response: { 200: { description: "The new token, answered this once", ...RotatedToken }, ...problemResponses(404, 413, 414, 415) },
};

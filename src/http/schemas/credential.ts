// Schema of `GET /credential`: who the request's bearer credential is.

import { Type } from "typebox";
import { SCOPES } from "../auth/scopes.js";
import { Name, problemResponses } from "./common.js";

const KeyCredential = Type.Object({
  kind: Type.Literal("api_key"),
  name: Type.String({ description: "The key's name, as the keys file or ADMIN_API_KEY gives it", examples: ["admin"] }),
  scopes: Type.Array(Type.Enum([...SCOPES], { type: "string" }), { description: "What the key may do, in the docs' order" }),
});

const HolderCredential = Type.Object({
  kind: Type.Literal("account_token"),
  account: { ...Name, description: "The one account the token acts for" },
});

/** Route schema of `GET /credential`. */
export const credentialSchema = {
  summary: "Who this credential is: an API key with its scopes, or the account of an account token",
  tags: ["access"],
  response: {
    200: { description: "The credential the request presented", ...Type.Union([KeyCredential, HolderCredential]) },
    ...problemResponses(),
  },
};

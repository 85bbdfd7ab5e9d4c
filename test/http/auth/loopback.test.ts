// What counts as loopback, where an open sandbox may listen without a key.

import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../../src/http/auth/loopback.js";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "[::1]", "::ffff:127.0.0.1", "localhost", "LOCALHOST"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(["0.0.0.0", "::", "10.0.0.1", "192.168.1.10", "128.0.0.1", "::ffff:10.0.0.1", "::2", "example.com", "localhost.example", "127.0.0.1.nip.io", ""])(
    "%j is not",
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

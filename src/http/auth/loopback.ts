// What counts as a loopback address: where an open sandbox may listen without a key, because
// only this machine can reach it. 127.0.0.0/8, ::1 (in any spelling, and as ::ffff:127.x.y.z),
// and the name `localhost`; every other name could resolve anywhere, so none else counts.

import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether `host` (an address or a name, as given to `listen`) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  // A bracketed IPv6 address, as in a URL: [::1].
  const address = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 4 ? "ipv4" : "ipv6");
}

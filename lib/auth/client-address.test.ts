// The caller's address is the socket peer, or what the trusted proxies saw; never a header a client writes.
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER, clientAddress, resolveClientAddress, stampClientAddress } from "./client-address";

afterEach(() => {
  delete process.env.TRUSTED_PROXY_HOPS;
  resetEnvCache();
});

describe("resolveClientAddress", () => {
  it("with no trusted proxy, the socket peer, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("198.51.100.4", "203.0.113.1", 0)).toBe("198.51.100.4");
    expect(resolveClientAddress("::ffff:198.51.100.4", undefined, 0)).toBe("198.51.100.4");
  });

  it("with N trusted proxies, the address the outermost trusted proxy saw; spoofed entries to its left are ignored", () => {
    // client 203.0.113.9 sent a forged "1.2.3.4"; the proxy (peer 10.0.0.2) appended what it saw.
    expect(resolveClientAddress("10.0.0.2", "1.2.3.4, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1", 2)).toBe("203.0.113.9");
    // A chain shorter than the hops trusted: its first entry.
    expect(resolveClientAddress("10.0.0.2", "", 3)).toBe("10.0.0.2");
  });

  it("without a socket, nothing but a trusted proxy's entry counts; with none, one shared bucket", () => {
    expect(resolveClientAddress(undefined, "1.2.3.4, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(resolveClientAddress(undefined, "1.2.3.4", 0)).toBe("unknown");
    expect(resolveClientAddress(undefined, null, 0)).toBe("unknown");
  });
});

describe("clientAddress", () => {
  it("reads the address server.ts stamped, and ignores a stamp a client forged", () => {
    const stamped = new Headers({ [CLIENT_ADDRESS_HEADER]: stampClientAddress("198.51.100.4", "203.0.113.1") });
    expect(clientAddress(stamped)).toBe("198.51.100.4");
    const forged = new Headers({
      [CLIENT_ADDRESS_HEADER]: "0123456789abcdef 203.0.113.77",
      "x-forwarded-for": "203.0.113.78",
    });
    expect(clientAddress(forged)).toBe("unknown");
  });

  it("TRUSTED_PROXY_HOPS is read from the configuration", () => {
    process.env.TRUSTED_PROXY_HOPS = "1";
    resetEnvCache();
    expect(stampClientAddress("10.0.0.2", ["1.2.3.4", "203.0.113.9"]).split(" ")[1]).toBe("203.0.113.9");
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.2.3.4, 203.0.113.9" }))).toBe("203.0.113.9");
  });
});

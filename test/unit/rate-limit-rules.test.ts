import { describe, expect, it } from "vitest";
import {
  ipMatches,
  sendLimitText,
  signInLimitText,
} from "../../hooks-src/konvert/rules/rate-limit.ts";

describe("rate limit rules", () => {
  it("match excluded IPs exactly or by IPv4 subnet", () => {
    expect(ipMatches("127.0.0.1", "127.0.0.1")).toBe(true);
    expect(ipMatches("127.0.0.1", "127.0.0.10")).toBe(false);
    expect(ipMatches("10.0.0.0/20", "10.0.15.255")).toBe(true);
    expect(ipMatches("10.0.0.0/20", "10.0.16.0")).toBe(false);
    expect(ipMatches("0.0.0.0/0", "8.8.8.8")).toBe(true);
    expect(ipMatches("10.0.0.0/33", "10.0.0.1")).toBe(false);
    expect(ipMatches("10.0.0.0/8", "::1")).toBe(false);
  });

  it("say how long to wait", () => {
    expect(sendLimitText({ limit: 60, windowMs: 10_000 }, 2_100)).toBe(
      "Too many messages: at most 60 every 10 seconds. Try again in 3 s.",
    );
    expect(signInLimitText("account", 14 * 60_000)).toBe(
      "Too many failed sign-in attempts for this account. Try again in 14 min.",
    );
    expect(signInLimitText("ip", 0)).toMatch(/from your network\. Try again in 1 s\.$/);
  });
});

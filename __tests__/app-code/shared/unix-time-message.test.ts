import { parity, parseUnixTimeBody, unixTimeBody } from "../../../app-code/shared/unix-time-message";

describe("the UNIX time message", () => {
  it("is the time in whole seconds, as decimal text", () => {
    expect(unixTimeBody(1_733_050_000_999)).toBe("1733050000");
    expect(parseUnixTimeBody("1733050000")).toEqual({ ok: true, time: 1733050000 });
  });

  it.each([
    [undefined, "empty body"],
    ["", "empty body"],
    ["abc", 'body is not a UNIX time in whole seconds: "abc"'],
    ["-3", "body is not a UNIX time"],
    [" 7 ", "body is not a UNIX time"],
    ["1.5", "body is not a UNIX time"],
    ["9".repeat(16), "body is not a UNIX time"],
    ["x".repeat(10_000), "…"],
  ])("rejects %p without throwing, with a bounded reason", (body, reason) => {
    const parsed = parseUnixTimeBody(body);
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining(reason) });
    expect(parsed.ok ? "" : parsed.reason.length).toBeLessThan(150);
  });

  it("says even or odd", () => {
    expect([0, 1, 1733050000, 1733050001].map(parity)).toEqual(["even", "odd", "even", "odd"]);
  });
});

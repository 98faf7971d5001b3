import { closest, editDistance } from "../../../src/settings/suggest";

describe("suggestions", () => {
  it("count insertions, deletions, substitutions and swapped neighbours as one edit each", () => {
    expect([editDistance("region", "region"), editDistance("regin", "region"), editDistance("regoin", "region"), editDistance("", "abc")]).toEqual([0, 1, 1, 3]);
  });

  it("find the closest name whatever its case and separators, and nothing for a name that is not close", () => {
    const names = ["desiredLatencySeconds", "defaultMessageDurationSeconds"];
    const spell = (n: string) => [n];
    expect(closest("DESIRED_LATENCY_SECOND", names, spell)?.candidate).toBe("desiredLatencySeconds");
    expect(closest("desired-latency-seconds", names, spell)).toEqual({ candidate: "desiredLatencySeconds", distance: 0 });
    expect(closest("colour", names, spell)).toBeUndefined();
  });

  it("prefer the earlier candidate on a tie", () => {
    expect(closest("ab", ["ac", "ad"], (n) => [n])?.candidate).toBe("ac");
  });
});

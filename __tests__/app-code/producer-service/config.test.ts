import { gapSeconds, loadProducerServiceConfig, retryDelayMs } from "../../../app-code/producer-service/config";

describe("loadProducerServiceConfig", () => {
  it("defaults to the source's 10-60 s and a 1 s backoff capped at 60 s", () => {
    expect(loadProducerServiceConfig({ QUEUE_URL: "http://q" })).toEqual({
      queueUrl: "http://q",
      gapMinSeconds: 10,
      gapMaxSeconds: 60,
      retryBaseMs: 1000,
      retryMaxMs: 60000,
    });
  });

  it("refuses a missing queue, an upside-down gap range and a cap below the base, naming the variable", () => {
    expect(() => loadProducerServiceConfig({})).toThrow("QUEUE_URL is required");
    expect(() => loadProducerServiceConfig({ QUEUE_URL: "q", GAP_MIN_SECONDS: "30", GAP_MAX_SECONDS: "20" })).toThrow(
      "GAP_MAX_SECONDS=20 is invalid: expected at least GAP_MIN_SECONDS (30)",
    );
    expect(() => loadProducerServiceConfig({ QUEUE_URL: "q", RETRY_BASE_MS: "500", RETRY_MAX_MS: "100" })).toThrow("RETRY_MAX_MS=100 is invalid");
    expect(() => loadProducerServiceConfig({ QUEUE_URL: "q", GAP_MIN_SECONDS: "-1" })).toThrow('GAP_MIN_SECONDS="-1" is invalid');
  });
});

describe("gapSeconds", () => {
  it("whole-second bounds: randint(10, 60), both ends included, nothing outside", () => {
    expect(gapSeconds(10, 60, () => 0)).toBe(10);
    expect(gapSeconds(10, 60, () => 0.999999)).toBe(60);
    const seen = new Set<number>();
    let seed = 1;
    const lcg = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 5000; i++) seen.add(gapSeconds(10, 60, lcg));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 51 }, (_, i) => 10 + i));
  });

  it("fractional bounds (shortened local runs): uniform between them", () => {
    expect(gapSeconds(0.1, 0.6, () => 0.5)).toBeCloseTo(0.35);
    expect(gapSeconds(2, 2, () => 0.7)).toBe(2);
  });
});

describe("retryDelayMs", () => {
  it("doubles from the base and stops at the cap, with jitter between half and all of it", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 60000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(7, 1000, 60000, () => 1)).toBe(60000);
    expect(retryDelayMs(1000, 1000, 60000, () => 1)).toBe(60000);
    expect(retryDelayMs(3, 1000, 60000, () => 0)).toBe(2000);
  });
});

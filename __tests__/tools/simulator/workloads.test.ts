import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  awstutWorkload,
  BUILT_IN_WORKLOADS,
  IDLE_DAY,
  idleDayWorkload,
  blueprintWorkload,
  burstyWorkload,
  diurnalWorkload,
  durationShiftWorkload,
  makeWorkload,
  parseCsvTrace,
  WorkloadError,
  LONG_JOBS,
  longJobsWorkload,
} from "../../../tools/simulator/workloads";

const day = { horizonSeconds: 86400, seed: 1 };

test("blueprint: 50 messages of 5 s every minute, 72,000 in 24 h", () => {
  const w = blueprintWorkload(day);
  expect(w.arrivals.length).toBe(72_000);
  expect(new Set(w.durations).size).toBe(1);
  expect(w.durations[0]).toBe(5);
  expect([w.arrivals[49], w.arrivals[50], w.arrivals[71_999]]).toEqual([0, 60, 86_340]);
});

test("duration shift: 5 s in the first half, 10 s in the second", () => {
  const w = durationShiftWorkload({ horizonSeconds: 7200, seed: 1 });
  expect(w.durations[0]).toBe(5);
  expect(w.durations[w.durations.length - 1]).toBe(10);
  expect(w.durations.filter((d) => d === 10).length).toBe(w.durations.length / 2);
});

test.each([
  ["bursty", burstyWorkload],
  ["diurnal", diurnalWorkload],
])("%s is seeded: same seed same messages, another seed other messages; sorted within the horizon", (_name, make) => {
  const a = make({ horizonSeconds: 7200, seed: 7 });
  const b = make({ horizonSeconds: 7200, seed: 7 });
  const c = make({ horizonSeconds: 7200, seed: 8 });
  expect(Buffer.from(a.arrivals.buffer).equals(Buffer.from(b.arrivals.buffer))).toBe(true);
  expect(Buffer.from(a.arrivals.buffer).equals(Buffer.from(c.arrivals.buffer))).toBe(false);
  expect(a.arrivals.every((t, i) => t >= 0 && t < 7200 && (i === 0 || t >= a.arrivals[i - 1]))).toBe(true);
  expect(a.arrivals.length).toBeGreaterThan(500);
});

test("diurnal ramps up to mid-day: the middle hour has many times the messages of the first", () => {
  const w = diurnalWorkload({ horizonSeconds: 13 * 3600, seed: 1 });
  const inHour = (h: number) => {
    let n = 0;
    for (const t of w.arrivals) if (t >= h * 3600 && t < (h + 1) * 3600) n++;
    return n;
  };
  expect(inHour(12)).toBeGreaterThan(10 * inHour(0));
});

describe("CSV traces", () => {
  test("reads arrival,duration lines, skips a header, comments and blank lines, sorts, drops beyond the horizon", () => {
    const w = parseCsvTrace("trace", "arrival_seconds,duration_seconds\n# comment\n10,2.5\n\n0.5,4\n9999,1\n", 100);
    expect(Array.from(w.arrivals)).toEqual([0.5, 10]);
    expect(Array.from(w.durations)).toEqual([4, 2.5]);
    expect(w.deduplicationIds).toBeUndefined();
  });

  test("an optional third column is the deduplication id (the body a content-based FIFO queue hashes)", () => {
    const w = parseCsvTrace("trace", "5,1,order-7\n0,1,order-7\n2,3\n");
    expect(Array.from(w.arrivals)).toEqual([0, 2, 5]);
    expect(w.deduplicationIds).toEqual(["order-7", "#1", "order-7"]);
  });

  test("a bad line is an error naming the line, the value and what is allowed", () => {
    expect(() => parseCsvTrace("trace", "0,5\n10,abc\n")).toThrow(
      'trace, line 2: "10,abc" is not valid; allowed: arrival_seconds,duration_seconds[,deduplication_id] with numbers >= 0',
    );
    expect(() => parseCsvTrace("trace", "0,-5\n")).toThrow(WorkloadError);
  });

  test("csv:<path> loads a file; unknown names list what is allowed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-csv-"));
    try {
      fs.writeFileSync(path.join(dir, "peak.csv"), "0,5\n1,5\n");
      expect(makeWorkload(`csv:${path.join(dir, "peak.csv")}`, day).name).toBe("peak");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(() => makeWorkload("weekly", day)).toThrow(
      'workload "weekly" is unknown; allowed: blueprint, bursty, diurnal, duration-shift, awstut, idle-day, long-jobs, tree, all, or csv:<path>',
    );
  });
});

describe("pattern workloads", () => {
  test("awstut: one message every randint(10, 60) s, 60 s each, from 0 s on [S0-T]", () => {
    const w = awstutWorkload({ horizonSeconds: 86_400, seed: 1 });
    expect(w.arrivals[0]).toBe(0);
    const gaps = Array.from(w.arrivals.slice(1), (t, i) => t - w.arrivals[i]);
    expect(gaps.every((g) => Number.isInteger(g) && g >= 10 && g <= 60)).toBe(true);
    expect(new Set(gaps).size).toBe(51); // every integer 10..60 occurs
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(34);
    expect(mean).toBeLessThan(36);
    expect(Array.from(new Set(w.durations))).toEqual([60]);
    expect(awstutWorkload({ horizonSeconds: 86_400, seed: 1 }).arrivals).toEqual(w.arrivals);
  });

  test("idle-day: a few bursts of long jobs, each within a minute, and nothing else", () => {
    const w = idleDayWorkload({ horizonSeconds: 86_400, seed: 1 });
    expect(w.arrivals.length).toBeGreaterThanOrEqual(IDLE_DAY.bursts * IDLE_DAY.jobsMin);
    expect(w.arrivals.length).toBeLessThanOrEqual(IDLE_DAY.bursts * IDLE_DAY.jobsMax);
    expect(Array.from(w.durations).every((d) => d >= 300 && d <= 1200)).toBe(true);
    // Gaps of more than a minute separate the bursts: at most 4 groups of sends.
    const groups = 1 + Array.from(w.arrivals.slice(1), (t, i) => t - w.arrivals[i]).filter((g) => g > 60).length;
    expect(groups).toBeLessThanOrEqual(IDLE_DAY.bursts);
    expect(groups).toBeGreaterThanOrEqual(2);
  });

  test("long-jobs: 10-60 min jobs, a Poisson trickle plus bursts, reproducible", () => {
    const w = longJobsWorkload({ horizonSeconds: 86_400, seed: 1 });
    const d = Array.from(w.durations);
    expect(d.every((x) => x >= LONG_JOBS.durationMinSeconds && x <= LONG_JOBS.durationMaxSeconds)).toBe(true);
    // 48 expected from the trickle, 15-45 from the bursts.
    expect(w.arrivals.length).toBeGreaterThan(40);
    expect(w.arrivals.length).toBeLessThan(110);
    expect(Array.from(w.arrivals.slice(1)).every((t, i) => t >= w.arrivals[i])).toBe(true);
    // Irregular: some 5-minute window holds a burst of at least 5 jobs, and some gap exceeds an hour.
    const a = Array.from(w.arrivals);
    expect(a.some((t) => a.filter((u) => u >= t && u < t + 300).length >= LONG_JOBS.burstJobsMin)).toBe(true);
    expect(a.slice(1).some((t, i) => t - a[i] > 3600)).toBe(true);
    expect(longJobsWorkload({ horizonSeconds: 86_400, seed: 1 }).arrivals).toEqual(w.arrivals);
  });

  test("the pattern workloads are built in", () => {
    expect(BUILT_IN_WORKLOADS).toEqual(expect.arrayContaining(["awstut", "idle-day", "long-jobs"]));
    expect(makeWorkload("long-jobs", { horizonSeconds: 3600, seed: 2 }).name).toBe("long-jobs");
    expect(makeWorkload("awstut", { horizonSeconds: 3600, seed: 2 }).name).toBe("awstut");
    expect(makeWorkload("idle-day", { horizonSeconds: 3600, seed: 2 }).name).toBe("idle-day");
  });
});

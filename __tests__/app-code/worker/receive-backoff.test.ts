import { ReceiveBackoff } from "../../../app-code/worker/src/receive-backoff";

function recorder() {
  const lines: Array<[string, string, Record<string, unknown>]> = [];
  const at = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => void lines.push([level, message, Object.assign({}, ...extra)]);
  return { lines, log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

const refused = Object.assign(new Error("SQS receive message failed: connect ECONNREFUSED"), { code: "Error", cause: { code: "ECONNREFUSED" } });

test("delays: random up to base × 2^(n-1), capped; reset by the first success", () => {
  const { log } = recorder();
  const b = new ReceiveBackoff({ log, baseMs: 100, maxMs: 2000, random: () => 1 });
  expect(Array.from({ length: 7 }, () => b.failure(refused))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  b.success();
  expect(b.delayMs).toBe(0);
  expect(b.failure(refused)).toBe(100);
  const jittered = new ReceiveBackoff({ log, random: () => 0.25 });
  expect([jittered.failure(refused), jittered.failure(refused)]).toEqual([25, 50]);
});

test("logs one line when failing starts, a summary per period instead of a line per attempt, one line on recovery", () => {
  const { lines, log } = recorder();
  let now = 0;
  const b = new ReceiveBackoff({ log, summarySeconds: 30, random: () => 0.5, now: () => now });
  // 100 failures over 50 s: a line at the first, a summary at 30 s, nothing else.
  for (let i = 0; i < 100; i++) {
    b.failure(i < 60 ? refused : Object.assign(new Error("timed out"), { name: "TimeoutError" }));
    now += 500;
  }
  b.success();
  b.success();
  expect(lines.map(([level, message]) => [level, message])).toEqual([
    ["warn", "SQS receive failing; retrying with backoff"],
    ["warn", "SQS receive still failing"],
    ["info", "SQS receive recovered"],
  ]);
  expect(lines[0][2]).toMatchObject({ error: "Error: SQS receive message failed: connect ECONNREFUSED", maxDelayMs: 2000 });
  expect(lines[1][2]).toMatchObject({ failedReceives: 61, sinceSeconds: 30, inLastPeriod: 60, errors: { ECONNREFUSED: 60, TimeoutError: 1 } });
  expect(lines[2][2]).toEqual({ failedReceives: 100, outageSeconds: 50, errors: { ECONNREFUSED: 60, TimeoutError: 40 } });
});

test("error kinds are bounded: many distinct codes fold into 'other'", () => {
  const { lines, log } = recorder();
  const b = new ReceiveBackoff({ log });
  for (let i = 0; i < 8; i++) b.failure(Object.assign(new Error("x"), { code: `E${i}` }));
  b.success();
  expect(lines[1][2].errors).toEqual({ E0: 1, E1: 1, E2: 1, E3: 1, E4: 1, other: 3 });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { healthCheckArgs } from "../../../app-code/shared/heartbeat";
import { Liveness } from "../../../app-code/worker/src/liveness";

const dir = mkdtempSync(path.join(tmpdir(), "liveness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(busy = () => false) {
  let now = 1_000_000;
  const lines: string[] = [];
  let stalls = 0;
  const log = { debug() {}, info: (m: string) => void lines.push(m), warn() {}, error: (m: string) => void lines.push(m) };
  const file = path.join(dir, `hb-${Math.random()}.json`);
  const liveness = new Liveness({ file, maxAgeSeconds: 60, log, busy, onStall: () => stalls++, now: () => now });
  return { liveness, file, lines, stalls: () => stalls, advance: (s: number) => (now += s * 1000), now: () => now };
}

test("progress keeps the heartbeat fresh; no progress past the bound is one stall (one line, one onStall), then recovery", async () => {
  const t = setup();
  await t.liveness.check();
  expect(JSON.parse(readFileSync(t.file, "utf8"))).toEqual({ lastCallAt: t.now(), maxAgeSeconds: 60 });
  t.advance(50);
  t.liveness.beat();
  t.advance(50);
  await t.liveness.check();
  expect(t.liveness.isStalled).toBe(false);
  t.advance(20);
  await t.liveness.check();
  await t.liveness.check();
  expect(t.liveness.isStalled).toBe(true);
  expect(t.stalls()).toBe(1);
  t.liveness.beat();
  expect(t.lines).toEqual([expect.stringMatching(/^poll loop stalled/), "poll loop progressing again"]);
});

test("a job running inside its time limit counts as progress", async () => {
  let running = true;
  const t = setup(() => running);
  for (let i = 0; i < 10; i++) {
    t.advance(30);
    await t.liveness.check();
  }
  expect(t.liveness.isStalled).toBe(false);
  running = false;
  t.advance(61);
  await t.liveness.check();
  expect(t.liveness.isStalled).toBe(true);
});

test("the file it writes is what the health check reads", async () => {
  const t = new Liveness({ file: path.join(dir, "real.json"), maxAgeSeconds: 60, log: { debug() {}, info() {}, warn() {}, error() {} }, busy: () => false, onStall() {} });
  await t.check();
  const [, ...args] = healthCheckArgs(path.join(dir, "real.json"));
  expect(spawnSync(process.execPath, args).status).toBe(0);
});

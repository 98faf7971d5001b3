/**
 * `npm run bench:simulate`: the whole `npm run simulate` (24 h, every built-in workload × every built-in strategy,
 * tables and charts written), timed as a child process from start to exit, 3 runs; then each workload × strategy
 * timed in-process. Goal: ≤ 10 s for the whole command. Prints the figures; exits 1 when over the goal.
 * Timing figures depend on the machine's load: measure on an idle machine.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadSettings } from "../src/settings";
import { simulate } from "./simulator/model";
import { builtInStrategies } from "./simulator/strategies";
import { BUILT_IN_WORKLOADS, makeWorkload } from "./simulator/workloads";
import { median } from "./lib/stats";

const GOAL_SECONDS = 10;
const RUNS = 3;
const horizonSeconds = 86400;
const root = path.join(__dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-simulate-"));
const walls: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(tsx, [path.join(root, "tools", "simulate.ts"), "--out", out], { cwd: root, stdio: "ignore" });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
const medianWall = median(walls);
const strategies = builtInStrategies(loadSettings({}).stacks);
console.log(
  `npm run simulate (${BUILT_IN_WORKLOADS.length} workloads × ${strategies.length} strategies × 24 h): median ${medianWall.toFixed(2)} s ` +
    `of ${RUNS} runs (${walls.map((w) => w.toFixed(2)).join(", ")} s), goal ≤ ${GOAL_SECONDS} s`,
);

for (const name of BUILT_IN_WORKLOADS) {
  const workload = makeWorkload(name, { horizonSeconds, seed: 1 });
  const cells = strategies.map((s) => {
    const t0 = process.hrtime.bigint();
    simulate(workload, s, { horizonSeconds });
    return `${s.name} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`;
  });
  console.log(`  ${name} (${workload.arrivals.length} messages): ${cells.join(", ")}`);
}
console.log(`peak RSS of this process ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
if (medianWall > GOAL_SECONDS) {
  console.error(`over the goal of ${GOAL_SECONDS} s`);
  process.exitCode = 1;
}

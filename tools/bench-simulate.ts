/**
 * `npm run bench:simulate`: 24 simulated hours of the blueprint workload (72,000 messages) for all five built-in
 * strategies, timed on this machine. Goal: ≤ 10 s in total. Prints the figures; exits 1 when over the goal.
 */
import { loadSettings } from "../src/settings";
import { simulate } from "./simulator/model";
import { builtInStrategies } from "./simulator/strategies";
import { blueprintWorkload } from "./simulator/workloads";

const GOAL_SECONDS = 10;
const horizonSeconds = 86400;

const started = process.hrtime.bigint();
const workload = blueprintWorkload({ horizonSeconds, seed: 1 });
const generated = process.hrtime.bigint();
console.log(`workload: ${workload.arrivals.length} messages in ${Number(generated - started) / 1e6} ms`);
for (const strategy of builtInStrategies(loadSettings({}).stacks["sqs-dynamic-target-tracking"])) {
  const t0 = process.hrtime.bigint();
  const r = simulate(workload, strategy, { horizonSeconds });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `${strategy.name.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms  sent ${r.sent}  deleted ${r.deleted}  ` +
      `p99 ${r.latency.p99.toFixed(1)} s  over goal ${(r.overGoalShare * 100).toFixed(2)} %  task-hours ${r.taskHours.toFixed(1)}`,
  );
}
const total = Number(process.hrtime.bigint() - started) / 1e9;
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`total ${total.toFixed(2)} s for 5 strategies × 24 h (goal ≤ ${GOAL_SECONDS} s), peak RSS ${rss.toFixed(0)} MiB`);
if (total > GOAL_SECONDS) {
  console.error(`over the goal of ${GOAL_SECONDS} s`);
  process.exitCode = 1;
}

/**
 * `npm run simulate:queue-depth-cooldowns`: the evidence for sqs-queue-depth-tracking's default cooldowns, with the
 * simulator as it is (target tracking on queue depth, cooldowns, task protection), on the source's traffic.
 *
 * Writes into sim-out/queue-depth-cooldowns/: a CSV trace per seed of the source's producer (one message, then a
 * wait of `gapSeconds(10, 60)` — the producer service's own function, randint(10, 60) — for 24 h; 60 s of work each)
 * and a strategy file built from the stack's model (src/scaling/queue-depth-tracking.ts) with several cooldowns,
 * plus the source's published design (AWSTUT_PUBLISHED); runs `npm run simulate` on them with a latency goal of
 * 240 s (the 60 s of work plus three messages of wait, the target); prints share over the goal, task-hours and
 * scaling actions per strategy and seed.
 *
 * The traces are the simulator's `awstut` workload and the strategies its `queueDepthStrategy`, the same as the
 * built-in `queue-depth-awstut` and `sqs-queue-depth-tracking` of `npm run simulate`; here over several seeds and
 * cooldowns.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AWSTUT_PUBLISHED, queueDepthTrackingModel } from "../src/scaling/queue-depth-tracking";
import { loadSettings } from "../src/settings";
import { QUEUE_DEPTH_AWSTUT, queueDepthStrategy } from "./simulator/pattern-strategies";
import { awstutWorkload } from "./simulator/workloads";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "sim-out", "queue-depth-cooldowns");
const SEEDS = [1, 2, 3];
const COOLDOWNS: Array<[number, number]> = [
  [0, 0],
  [120, 300],
  [60, 900],
  [60, 1800],
  [60, 3600],
  [60, 7200],
];

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  const settings = loadSettings().stacks["sqs-queue-depth-tracking"];
  const traces = SEEDS.map((seed) => {
    const w = awstutWorkload({ horizonSeconds: 86_400, seed });
    const lines = ["arrival_seconds,duration_seconds", ...Array.from(w.arrivals, (t, i) => `${t},${w.durations[i]}`)];
    const file = path.join(OUT, `awstut-producer-s${seed}.csv`);
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  });
  const strategies = [
    queueDepthStrategy("awstut-published", "the source: target 3, 1..3, cooldowns 0/0, no protection or heartbeat, no DLQ", AWSTUT_PUBLISHED, QUEUE_DEPTH_AWSTUT.taskSize),
    ...COOLDOWNS.map(([out, inn]) => {
      const m = queueDepthTrackingModel({ ...settings, scaleOutCooldownSeconds: out, scaleInCooldownSeconds: inn });
      return queueDepthStrategy(`stack-${out}-${inn}`, `this stack, cooldowns out ${out} s / in ${inn} s`, m, { cpuUnits: settings.cpu, memoryMiB: settings.memory });
    }),
  ];
  const strategyFile = path.join(OUT, "strategies.json");
  fs.writeFileSync(strategyFile, JSON.stringify(strategies, null, 1));
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "tools", "simulate.ts"),
      "--workload",
      traces.map((t) => `csv:${t}`).join(","),
      "--strategy-file",
      strategyFile,
      "--strategies",
      strategies.map((s) => s.name).join(","),
      "--set",
      "desiredLatencySeconds=240",
      "--out",
      OUT,
    ],
    { cwd: ROOT, stdio: "ignore" },
  );
  const results = JSON.parse(fs.readFileSync(path.join(OUT, "results.json"), "utf8")) as Array<{
    strategy: string;
    workload: string;
    overGoalShare: number;
    taskHours: number;
    scalingActions: number;
  }>;
  console.log(`| strategy | ${SEEDS.map((s) => `seed ${s}: over 240 s / task-hours / actions`).join(" | ")} |`);
  console.log(`|---|${SEEDS.map(() => "---:").join("|")}|`);
  for (const s of strategies) {
    const cells = SEEDS.map((seed) => {
      const r = results.find((x) => x.strategy === s.name && x.workload === `awstut-producer-s${seed}`)!;
      return `${(r.overGoalShare * 100).toFixed(2)} % / ${r.taskHours.toFixed(1)} / ${r.scalingActions}`;
    });
    console.log(`| ${s.name} | ${cells.join(" | ")} |`);
  }
  console.log(`\n(report and charts: ${path.relative(ROOT, OUT)}/report.md)`);
}

main();

/**
 * `npm run chaos [-- --size full|short] [--only refuse,hang] [--seed 1] [--no-times]`
 *
 * The fault scenarios of issue 14 against real worker processes, fauxqs and the fault proxy on loopback
 * (tools/chaos/): refused, hung and reset connections, SIGKILL and SIGTERM storms, hostile bodies. Prints one row
 * per scenario: sent, processed, processed twice, lost, left, in the DLQ, SIGTERM exits, wall time. Exit code 0
 * only when no scenario lost a message, dead-lettered a valid one or failed to drain. Bounded: each scenario stops
 * at its time limit (full: 180 s), every child process is stopped. Scenarios run one after the other, so their
 * times do not disturb each other; `--size short` is what the test suite runs (all at once there).
 */
import { parseArgs } from "node:util";
import { runScenario, startChaosEnvironment } from "./chaos/harness";
import { formatTable, problems } from "./chaos/report";
import { chaosScenarios, ScenarioSize } from "./chaos/scenarios";

const { values: args } = parseArgs({
  options: {
    size: { type: "string", default: "full" },
    only: { type: "string" },
    seed: { type: "string", default: "1" },
    "no-times": { type: "boolean", default: false },
  },
});

async function main(): Promise<number> {
  if (args.size !== "full" && args.size !== "short") throw new Error(`--size=${args.size} is invalid: expected full or short`);
  const seed = Number(args.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed=${args.seed} is invalid: expected a non-negative integer`);
  const all = chaosScenarios(args.size as ScenarioSize);
  const wanted = args.only?.split(",").map((s) => s.trim()) ?? all.map((s) => s.name);
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length) throw new Error(`--only=${args.only} is invalid: unknown ${unknown.join(", ")}; expected some of ${all.map((s) => s.name).join(", ")}`);

  const env = await startChaosEnvironment();
  const results = [];
  try {
    console.log(`node ${process.version}, ${args.size} scenarios, seed ${seed}\n`);
    for (const scenario of all.filter((s) => wanted.includes(s.name))) {
      console.log(`${scenario.name}: ${scenario.description} (${scenario.messages} messages, ${scenario.workers} workers × concurrency ${scenario.concurrency}) …`);
      const result = await runScenario(env, scenario, seed);
      results.push(result);
      console.log(`  ${problems(result).join("; ") || "ok"} in ${result.wallSeconds.toFixed(1)} s`);
    }
  } finally {
    await env.close();
  }
  console.log(`\n${formatTable(results, { times: !args["no-times"] })}`);
  return results.every((r) => problems(r).length === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

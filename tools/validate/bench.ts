import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { installedProviderPackages, loadProviderSchema } from "../lib/provider-schema";
import { median } from "../lib/stats";

/**
 * `npm run bench:validate`: what the offline check costs.
 *
 *   cold   schema extraction from each provider's jsii assembly into an empty cache (first run, e.g. in CI):
 *          wall time, peak RSS of the process, size of the cache file
 *   warm   `npm run validate` end to end (synth of every stack + checks) with the cache: median and max of N runs,
 *          against the goal of 5 s
 *
 * Options: --runs N (default 5)
 */
const ROOT = path.resolve(__dirname, "..", "..");
const GOAL_MS = 5000;

if (process.argv[2] === "--extract") {
  // Child mode: one cold extraction in a fresh process, so its peak memory is its own.
  const [pkg, cacheDir] = process.argv.slice(3);
  const started = performance.now();
  const { cached, cacheFile } = loadProviderSchema(pkg, { cacheDir });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ cached, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, bytes: fs.statSync(cacheFile).size }));
} else {
  main();
}

function main(): void {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const node = process.execPath;
  const tsx = ["--import", "tsx"];
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s)`);

  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-bench-schema-"));
  try {
    for (const pkg of installedProviderPackages(ROOT)) {
      const child = spawnSync(node, [...tsx, __filename, "--extract", pkg, cacheDir], { cwd: ROOT, encoding: "utf8" });
      if (child.status !== 0) throw new Error(`extraction of ${pkg} failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout) as { cached: boolean; ms: number; maxRssMiB: number; bytes: number };
      if (r.cached) throw new Error("the cache was not empty: the cold figure would be wrong");
      console.log(`cold  ${pkg}: extraction ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.maxRssMiB)} MiB, cache ${(r.bytes / 1e6).toFixed(1)} MB`);
    }
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }

  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(node, [...tsx, path.join(ROOT, "tools", "validate", "cli.ts")], { cwd: ROOT, encoding: "utf8" });
    times.push(performance.now() - started);
    if (i === 0) console.log(child.stdout.trimEnd().replace(/^/gm, "      | "));
    if (child.status !== 0) console.log(`      (validate exited ${child.status}: findings above)`);
  }
  times.sort((a, b) => a - b);
  const medianMs = median(times);
  const max = times[times.length - 1];
  const verdict = max <= GOAL_MS ? "within" : "OVER";
  console.log(`warm  npm run validate: median ${Math.round(medianMs)} ms, max ${Math.round(max)} ms over ${runs} runs (${verdict} the ${GOAL_MS} ms goal)`);
}

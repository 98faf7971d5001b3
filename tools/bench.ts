/**
 * `npm run bench`: median wall time and peak memory of the commands users wait for, over several runs.
 *
 *   (a) `cdktf synth` of all stacks        target ≤ 3.0 s and ≤ 300 MiB
 *   (b) the app run directly (main.ts)     target ≤ 1.0 s: (a) minus the CLI's own work
 *   (c) the full test command (npm test)   target ≤ 30 s
 *   (d) `npm run validate`, when present   target ≤ 5 s (offline schema check of every stack)
 *
 * Exits 1 when a target is missed, 2 when a command fails. Progress goes to stderr only when it is a terminal, so
 * a log or a pipe gets the table alone.
 *
 * Memory, from /proc every 20 ms (Linux only): "peak RSS" is the largest high-water mark (VmHWM) of any one
 * process of the command (what `/usr/bin/time` reports; the memory targets apply to it), "tree peak" the largest
 * sum of the RSS of all its processes at one sample (the cdktf CLI runs the app and terraform as children).
 *
 * Options: --runs N (default 5; the test command runs max(2, N/2) times), --only a,b,c,d
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { median } from "./lib/stats";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

interface Case {
  id: string;
  label: string;
  command: string[];
  runs: number;
  target?: { seconds?: number; mib?: number };
}

interface Sample {
  seconds: number;
  peakMiB: number;
  treePeakMiB: number;
}

/** VmRSS and VmHWM of a process in KiB; zeros when it ended between listing and reading. */
function readMemoryKiB(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m"))?.[1] ?? 0);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Pids of `root` and all its descendants, from /proc/<pid>/task/<pid>/children. */
function processTree(root: number): number[] {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8").trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone already
    }
  }
  return pids;
}

function runOnce(command: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", CI: "true" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let peakKiB = 0;
    let treePeakKiB = 0;
    const sample = () => {
      if (child.pid === undefined) return;
      let total = 0;
      for (const pid of processTree(child.pid)) {
        const { rss, hwm } = readMemoryKiB(pid);
        total += rss;
        peakKiB = Math.max(peakKiB, hwm);
      }
      treePeakKiB = Math.max(treePeakKiB, total);
    };
    const timer = setInterval(sample, 20);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) {
        reject(new Error(`${command.join(" ")} exited ${code}:\n${stderr}`));
        return;
      }
      resolve({ seconds, peakMiB: peakKiB / 1024, treePeakMiB: treePeakKiB / 1024 });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const runsArg = args.indexOf("--runs");
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args[runsArg + 1]}`);
  const onlyArg = args.indexOf("--only");
  const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(",")) : undefined;

  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const cases: Case[] = [
    {
      id: "a",
      label: "cdktf synth (all stacks)",
      command: [path.join(BIN, "cdktf"), "synth"],
      runs,
      target: { seconds: 3.0, mib: 300 },
    },
    {
      id: "b",
      label: "app directly (node --import tsx main.ts)",
      command: [process.execPath, "--import", "tsx", "main.ts"],
      runs,
      target: { seconds: 1.0 },
    },
    { id: "c", label: "full test command (npm test)", command: ["npm", "test", "--silent"], runs: Math.max(2, Math.ceil(runs / 2)), target: { seconds: 30 } },
  ];
  if (scripts.validate) {
    cases.push({ id: "d", label: "npm run validate (all stacks)", command: ["npm", "run", "--silent", "validate"], runs, target: { seconds: 5 } });
  }

  console.log(`bench: ${new Date().toISOString()}, node ${process.version}, ${require("node:os").cpus().length} cores`);
  console.log("| case | runs | median wall | min..max wall | median peak RSS | median tree peak | target |");
  console.log("|---|---|---|---|---|---|---|");
  let missed = 0;
  for (const c of cases.filter((x) => !only || only.has(x.id))) {
    await runOnce(c.command); // warm-up: tsx, jest and tsc caches, the validator's schema cache
    const samples: Sample[] = [];
    for (let i = 0; i < c.runs; i++) {
      if (process.stderr.isTTY) process.stderr.write(`  ${c.id}: run ${i + 1}/${c.runs}\r`);
      samples.push(await runOnce(c.command));
    }
    const wall = median(samples.map((s) => s.seconds));
    const rss = median(samples.map((s) => s.peakMiB));
    const treeRss = median(samples.map((s) => s.treePeakMiB));
    const met =
      c.target === undefined
        ? "-"
        : [
            c.target.seconds !== undefined ? `≤ ${c.target.seconds} s ${wall <= c.target.seconds ? "met" : "MISSED"}` : "",
            c.target.mib !== undefined ? `≤ ${c.target.mib} MiB ${rss <= c.target.mib ? "met" : "MISSED"}` : "",
          ]
            .filter(Boolean)
            .join(", ");
    if (met.includes("MISSED")) missed++;
    const lo = Math.min(...samples.map((s) => s.seconds));
    const hi = Math.max(...samples.map((s) => s.seconds));
    console.log(
      `| (${c.id}) ${c.label} | ${c.runs} | ${wall.toFixed(2)} s | ${lo.toFixed(2)}..${hi.toFixed(2)} s | ${rss.toFixed(0)} MiB | ${treeRss.toFixed(0)} MiB | ${met} |`,
    );
  }
  process.exitCode = missed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});

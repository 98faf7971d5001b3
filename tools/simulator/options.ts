/**
 * Command-line options of `npm run simulate`, parsed and validated before anything runs or is written.
 * Every error names the option, the value and what is allowed.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { loadSettings, SettingsError, STACK_SETTINGS } from "../../src/settings";
import { ModelOptions } from "./model";
import { builtInStrategies, normalizeStrategy, StrategySpec, validateStrategy } from "./strategies";
import { BUILT_IN_WORKLOADS } from "./workloads";

/** The stack whose settings `--set` and the QS_* variables change in the project's strategy. */
const SIMULATED_STACK = "sqs-dynamic-target-tracking";

export class OptionsError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "OptionsError";
  }
}

export interface SimulateOptions {
  /** Workload specs: built-in names or `csv:<path>`. */
  readonly workloads: string[];
  readonly strategies: StrategySpec[];
  readonly horizonSeconds: number;
  readonly seed: number;
  readonly model: Omit<ModelOptions, "horizonSeconds">;
  /** Sample offsets to run every strategy at (--offsets); empty: the model option's one. */
  readonly offsets: readonly number[];
  readonly outDir: string;
}

export const USAGE = `Usage: npm run simulate -- [options]

  --workload <list>      blueprint, bursty, diurnal, duration-shift, awstut, idle-day, long-jobs, tree, csv:<path>, or all (default: all)
  --strategies <list>    strategy names, comma-separated, or all (default: all)
  --strategy-file <f>    JSON array of extra strategies (StrategySpec, see tools/simulator/strategies.ts)
  --duration <d>         simulated time: 24h, 90m, 3600s or seconds (default: 24h)
  --seed <n>             seed of the random workloads (default: 1)
  --offsets <list>       run every strategy at each of these metric sample offsets (s, 0-59), e.g. 0,30,59;
                         one row per strategy and offset (the chart shows the first)
  --set <key=value>      a model option (${Object.keys(modelKeys()).join(", ")})
                         or a stack setting for project-defaults (e.g. scaleOutCooldownSeconds=60); repeatable
  --out <dir>            output folder (default: sim-out)
  --help`;

function modelKeys(): Record<keyof Omit<ModelOptions, "horizonSeconds">, { allowed: string; valid: (n: number) => boolean }> {
  return {
    startupDelaySeconds: { allowed: "a number from 0 to 3600", valid: (n) => n >= 0 && n <= 3600 },
    metricSampleOffsetSeconds: { allowed: "an integer from 0 to 59", valid: (n) => Number.isInteger(n) && n >= 0 && n <= 59 },
    metricDelayMinutes: { allowed: "an integer from 0 to 10", valid: (n) => Number.isInteger(n) && n >= 0 && n <= 10 },
    scaleInMaxFraction: { allowed: "a number greater than 0 and at most 1", valid: (n) => n > 0 && n <= 1 },
    taskHourPrice: { allowed: "a number from 0 to 100", valid: (n) => n >= 0 && n <= 100 },
    desiredLatencySeconds: { allowed: "a number greater than 0 and at most 86400", valid: (n) => n > 0 && n <= 86400 },
  };
}

/** `24h`, `90m`, `3600s`, `3600` -> seconds; undefined when not valid. */
export function parseDuration(text: string): number | undefined {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(h|m|s)?$/);
  if (!m) return undefined;
  const seconds = Number(m[1]) * { h: 3600, m: 60, s: 1 }[(m[2] ?? "s") as "h" | "m" | "s"];
  return seconds >= 60 && seconds <= 7 * 86400 ? Math.round(seconds) : undefined;
}

const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);

/**
 * Parses argv (without node and script). `env` feeds the stack settings like `cdktf synth` does (QS_* variables).
 * @throws OptionsError listing every problem.
 */
export function parseSimulateArgs(argv: string[], env: Record<string, string | undefined> = {}): SimulateOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        workload: { type: "string", multiple: true },
        strategies: { type: "string", multiple: true },
        "strategy-file": { type: "string" },
        duration: { type: "string" },
        seed: { type: "string" },
        offsets: { type: "string" },
        set: { type: "string", multiple: true },
        out: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new OptionsError([`${(e as Error).message}; allowed options: see --help`]);
  }
  const v = parsed.values;
  if (v.help) return "help";
  const problems: string[] = [];

  const workloads = list(v.workload);
  const expanded = workloads.length === 0 || workloads.includes("all") ? [...BUILT_IN_WORKLOADS, ...workloads.filter((w) => w !== "all")] : workloads;
  for (const w of expanded) {
    if (!BUILT_IN_WORKLOADS.includes(w) && !w.startsWith("csv:")) {
      problems.push(`--workload: "${w}" is unknown; allowed: ${BUILT_IN_WORKLOADS.join(", ")}, all, or csv:<path>`);
    } else if (w.startsWith("csv:") && !fs.existsSync(w.slice(4))) {
      problems.push(`--workload: "${w}": file ${w.slice(4)} does not exist; allowed: csv:<path of an existing file>`);
    }
  }

  const horizonSeconds = parseDuration(v.duration ?? "24h");
  if (horizonSeconds === undefined) {
    problems.push(`--duration: "${v.duration}" is not valid; allowed: 1m to 168h, as 24h, 90m, 3600s or a number of seconds`);
  }
  const seed = Number(v.seed ?? "1");
  if (!/^\d+$/.test(v.seed ?? "1") || seed > 2 ** 32 - 1) {
    problems.push(`--seed: "${v.seed}" is not valid; allowed: an integer from 0 to 4294967295`);
  }

  const offsetTexts = list(v.offsets === undefined ? undefined : [v.offsets]);
  const offsets = offsetTexts.map(Number);
  if (v.offsets !== undefined && (offsetTexts.length === 0 || offsetTexts.some((t) => !/^\d+$/.test(t) || Number(t) > 59))) {
    problems.push(`--offsets: "${v.offsets}" is not valid; allowed: integers from 0 to 59, comma-separated`);
  }

  // --set: model options, else settings of the simulated stack (validated by the settings module, as at synth time).
  const model: Record<string, number> = {};
  const stackContext: Record<string, unknown> = {};
  const stackKeys = Object.keys(STACK_SETTINGS.find((g) => g.name === SIMULATED_STACK)!.definitions);
  const keys = modelKeys();
  for (const pair of v.set ?? []) {
    const m = pair.match(/^([A-Za-z]+)=(.*)$/);
    const key = m?.[1] ?? "";
    if (!m) {
      problems.push(`--set: "${pair}" is not valid; allowed: key=value`);
    } else if (key in keys) {
      const n = Number(m[2]);
      const k = keys[key as keyof typeof keys];
      if (m[2].trim() === "" || !Number.isFinite(n) || !k.valid(n)) problems.push(`--set ${key}: "${m[2]}" is not valid; allowed: ${k.allowed}`);
      else model[key] = n;
    } else if (stackKeys.includes(key)) {
      stackContext[key] = m[2];
    } else {
      problems.push(`--set: "${key}" is unknown; allowed: ${Object.keys(keys).join(", ")}, or a setting of stack ${SIMULATED_STACK} (${stackKeys.join(", ")})`);
    }
  }

  let strategies: StrategySpec[] = [];
  try {
    const settings = loadSettings({ context: { [SIMULATED_STACK]: stackContext }, contextOrigin: "--set", env });
    strategies = builtInStrategies(settings.stacks);
  } catch (e) {
    problems.push(e instanceof SettingsError ? e.problems.map((p) => `--set (stack setting): ${p}`).join("\n  - ") : (e as Error).message);
  }
  if (v["strategy-file"]) {
    const file = v["strategy-file"];
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
      if (!Array.isArray(parsed)) throw new Error("not a JSON array");
      const extra = parsed.map(normalizeStrategy);
      for (const s of extra) problems.push(...validateStrategy(s).map((p) => `--strategy-file ${file}: ${p}`));
      strategies.push(...extra);
    } catch (e) {
      problems.push(`--strategy-file: cannot use ${file} (${(e as Error).message}); allowed: a JSON array of strategies`);
    }
  }
  const names = strategies.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) problems.push(`--strategy-file: strategy name "${duplicate}" is used twice; allowed: unique names`);
  const wanted = list(v.strategies);
  if (wanted.length > 0 && !wanted.includes("all")) {
    for (const w of wanted) {
      if (!names.includes(w)) problems.push(`--strategies: "${w}" is unknown; allowed: all, ${names.join(", ")}`);
    }
    strategies = strategies.filter((s) => wanted.includes(s.name));
  }

  const outDir = v.out ?? "sim-out";
  if (outDir.trim() === "") problems.push(`--out: "" is not valid; allowed: a folder path`);

  if (problems.length > 0) throw new OptionsError(problems);
  return { workloads: [...new Set(expanded)], strategies, horizonSeconds: horizonSeconds!, seed, model, offsets: [...new Set(offsets)], outDir };
}

/**
 * `npm run simulate -- [options]`: runs every chosen strategy on every chosen workload and writes, per workload,
 * a markdown table and an SVG chart into the output folder (default sim-out/), plus report.md with all tables and
 * results.json with the figures. Options are validated before anything is written; see --help.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { simulate, SimulationResult } from "./simulator/model";
import { OptionsError, parseSimulateArgs, USAGE } from "./simulator/options";
import { markdownTable, svgChart } from "./simulator/report";
import { makeWorkload, Workload, WorkloadError } from "./simulator/workloads";

export function main(argv: string[], env: Record<string, string | undefined>): number {
  let options;
  let workloads: Workload[];
  try {
    options = parseSimulateArgs(argv, env);
    if (options === "help") {
      console.log(USAGE);
      return 0;
    }
    const { horizonSeconds, seed } = options;
    workloads = options.workloads.map((w) => makeWorkload(w, { horizonSeconds, seed }));
  } catch (e) {
    if (e instanceof OptionsError || e instanceof WorkloadError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }

  const offsets: Array<number | undefined> = options.offsets.length > 0 ? [...options.offsets] : [undefined];
  const runs = workloads.length * options.strategies.length * offsets.length;
  let done = 0;
  const started = Date.now();
  const sections: string[] = [];
  const summary: Array<Omit<SimulationResult, "series">> = [];
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const workload of workloads) {
    const results: SimulationResult[] = [];
    for (const strategy of options.strategies) {
      for (const offset of offsets) {
        const t0 = Date.now();
        const model = offset === undefined ? options.model : { ...options.model, metricSampleOffsetSeconds: offset };
        const result = simulate(workload, strategy, { ...model, horizonSeconds: options.horizonSeconds });
        results.push(result);
        const { series: _series, ...figures } = result;
        summary.push(figures);
        done++;
        process.stderr.write(
          `[${done}/${runs}] ${workload.name} × ${strategy.name}${offset === undefined ? "" : ` @ ${offset} s`}: ` +
            `${(result.overGoalShare * 100).toFixed(2)} % over goal, ${result.taskHours.toFixed(1)} task-hours (${Date.now() - t0} ms)\n`,
        );
      }
    }
    const table = markdownTable(workload, results);
    sections.push(table);
    fs.writeFileSync(path.join(options.outDir, `${workload.name}.md`), table);
    // The chart shows one run per strategy: the first offset's.
    const first = results.filter((r) => r.metricSampleOffsetSeconds === results[0].metricSampleOffsetSeconds);
    fs.writeFileSync(path.join(options.outDir, `${workload.name}.svg`), svgChart(workload, first));
  }
  const legend = options.strategies.map((s) => `- **${s.name}**: ${s.description}`).join("\n");
  const report =
    `# Scaling simulation\n\nSimulated ${options.horizonSeconds / 3600} h per workload, seed ${options.seed}` +
    (options.offsets.length > 0 ? `, metric sample offsets ${options.offsets.join(", ")} s` : "") +
    `.\n\n${legend}\n\n` +
    sections.join("\n");
  fs.writeFileSync(path.join(options.outDir, "report.md"), report);
  fs.writeFileSync(path.join(options.outDir, "results.json"), JSON.stringify(summary, null, 2) + "\n");
  console.log(report);
  process.stderr.write(`Wrote ${options.outDir}/report.md, results.json and a .md and .svg per workload in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}

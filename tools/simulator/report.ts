/**
 * Report: a markdown table per workload and an SVG chart (queue depth, running tasks and target over time, one
 * line per strategy). SVG is written by hand: three panels of polylines need no chart library.
 */
import { SimulationResult } from "./model";
import { Workload } from "./workloads";

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** Seconds as a compact duration: 45 s, 12.5 min, 3.2 h. */
export function formatSeconds(s: number): string {
  if (s < 120) return `${fmt(s, s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${fmt(s / 60)} min`;
  return `${fmt(s / 3600)} h`;
}

/** Task-hours as a multiple of the work's lower bound (its total processing time). */
export function lowerBoundMultiple(r: SimulationResult): number {
  return r.workHours > 0 ? r.taskHours / r.workHours : NaN;
}

/**
 * The markdown section of one workload: what it is, the lower bound, and one row per strategy (and sample offset,
 * with a column for it, when the results have more than one).
 */
export function markdownTable(workload: Workload, results: readonly SimulationResult[]): string {
  const offsets = new Set(results.map((r) => r.metricSampleOffsetSeconds));
  const byOffset = offsets.size > 1;
  const first = results[0];
  const hours = first ? first.horizonSeconds / 3600 : 0;
  const lines = [
    `### ${workload.name}`,
    "",
    `${workload.description}. ${first?.sent ?? 0} messages in ${fmt(hours)} h; lower bound (total processing time): ` +
      `${fmt(first?.workHours ?? 0, 2)} task-hours. Latency goal: ${first?.desiredLatencySeconds ?? 60} s.`,
    "",
    `| strategy |${byOffset ? " sample offset |" : ""} over goal | p50 | p95 | p99 | max | task-hours | × lower bound | cost (USD) | scaling actions | peak tasks | left in queue / DLQ |`,
    `|---|${byOffset ? "---:|" : ""}---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const r of results) {
    const name = r.reference ? `${r.strategy} (not deployable)` : r.strategy;
    lines.push(
      `| ${name} |${byOffset ? ` ${r.metricSampleOffsetSeconds} s |` : ""} ${fmt(r.overGoalShare * 100, 2)} % | ${formatSeconds(r.latency.p50)} | ${formatSeconds(r.latency.p95)} | ` +
        `${formatSeconds(r.latency.p99)} | ${formatSeconds(r.latency.max)} | ${fmt(r.taskHours)} | ${fmt(lowerBoundMultiple(r), 2)} | ` +
        `${fmt(r.cost, 2)} | ${r.scalingActions} | ${r.peakTasks} | ${r.inQueue} / ${r.inDlq} |`,
    );
  }
  lines.push(
    "",
    "Redelivery, interruptions and waits for a task (a wait starts when a message is sent while no task runs):",
    "",
    `| strategy |${byOffset ? " sample offset |" : ""} processed twice | interrupted by scale-in | waits for a task | first message → first running task | mean wait | max wait |`,
    `|---|${byOffset ? "---:|" : ""}---:|---:|---:|---:|---:|---:|`,
  );
  for (const r of results) {
    const name = r.reference ? `${r.strategy} (not deployable)` : r.strategy;
    const w = r.coldStarts;
    const wait = (s: number) => (w.count > 0 ? formatSeconds(s) : "–");
    lines.push(
      `| ${name} |${byOffset ? ` ${r.metricSampleOffsetSeconds} s |` : ""} ${r.duplicates} | ${r.interrupted} | ${w.count} | ${wait(w.first)} | ${wait(w.mean)} | ${wait(w.max)} |`,
    );
  }
  const launching = results.filter((r) => r.launches !== undefined);
  if (launching.length > 0) {
    lines.push(
      "",
      "Task per message (each job its own task, RunTask admission):",
      "",
      "| strategy | tasks launched | launcher invocations | RunTask throttled | records at the cap | peak concurrent tasks |",
      "|---|---:|---:|---:|---:|---:|",
    );
    for (const r of launching) {
      const l = r.launches!;
      lines.push(`| ${r.strategy} | ${l.tasks} | ${l.invocations} | ${l.throttled} | ${l.atCap} | ${r.peakTasks} |`);
    }
  }
  const trees = results.filter((r) => r.fanout !== undefined);
  if (trees.length > 0) {
    lines.push(
      "",
      "Tree run (makespan: root posted → last node done; the fan-out generates the tree, the others get its node stream as sends):",
      "",
      "| strategy | makespan | nodes posted | extra edges absorbed by the claim | peak backlog | time at max capacity |",
      "|---|---:|---:|---:|---:|---:|",
    );
    const dash = (v: number | undefined, f: (n: number) => string = String) => (v === undefined ? "–" : f(v));
    for (const r of trees) {
      const f = r.fanout!;
      const name = r.reference ? `${r.strategy} (not deployable)` : r.strategy;
      lines.push(
        `| ${name} | ${Number.isNaN(f.makespanSeconds) ? "not done" : formatSeconds(f.makespanSeconds)} | ${dash(f.nodes)} | ${dash(f.duplicateEdges)} | ` +
          `${dash(f.peakBacklog)} | ${dash(f.atMaxSeconds, formatSeconds)} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** Line colours (colour-blind safe, Okabe-Ito), in strategy order. */
const COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"];

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number rounded for coordinates (keeps the file small and byte-identical across runs). */
const c = (n: number) => String(Math.round(n * 10) / 10);

/** An SVG chart for one workload: queue depth, running tasks and target per minute, one line per strategy. */
export function svgChart(workload: Workload, results: readonly SimulationResult[]): string {
  const width = 960;
  const left = 60;
  const right = 20;
  const panelHeight = 160;
  const gap = 40;
  const top = 50;
  // Queue depth and metric on a log scale: a strategy that stops scaling builds a backlog of thousands that would
  // flatten the others.
  const panels: Array<{ title: string; pick: (r: SimulationResult) => Float64Array; log?: boolean }> = [
    { title: "Queue depth (ApproximateNumberOfMessagesVisible, 1-min sample; log scale)", pick: (r) => r.series.visible, log: true },
    { title: "Running tasks (RunningTaskCount)", pick: (r) => r.series.running },
    {
      title: "Target-tracking metric as the policy saw it (load-per-task, backlog-per-task or queue depth; log scale)",
      pick: (r) => r.series.metric,
      log: true,
    },
    { title: "Target value (target tracking; none for step scaling)", pick: (r) => r.series.target },
  ];
  const minutes = results[0]?.series.visible.length ?? 0;
  const plotWidth = width - left - right;
  const legendHeight = 20 * Math.ceil(results.length / 3);
  const height = top + panels.length * (panelHeight + gap) + legendHeight;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">${escapeXml(`${workload.name}: ${workload.description}`)}</text>`,
  ];
  const hours = minutes / 60;
  const tickEvery = hours > 12 ? 2 : hours > 4 ? 1 : 0.25;
  panels.forEach((panel, index) => {
    const y0 = top + index * (panelHeight + gap);
    let max = 0;
    for (const r of results) for (const v of panel.pick(r)) if (Number.isFinite(v) && v > max) max = v;
    const yMax = panel.log ? 10 ** Math.max(1, Math.ceil(Math.log10(max + 1))) : max > 0 ? niceCeil(max) : 1;
    // Share of the panel's height for a value: linear, or log10(1 + v) so that 0 stays at the bottom.
    const scale = panel.log ? (v: number) => Math.log10(1 + v) / Math.log10(1 + yMax) : (v: number) => v / yMax;
    out.push(`<text x="${left}" y="${y0 - 6}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    const gridValues = panel.log
      ? [0, ...Array.from({ length: Math.round(Math.log10(yMax)) }, (_, k) => 10 ** (k + 1))]
      : [0, yMax / 2, yMax];
    for (const value of gridValues) {
      const y = y0 + panelHeight * (1 - scale(value));
      out.push(`<text x="${left - 6}" y="${c(y + 4)}" text-anchor="end">${c(value)}</text>`);
      if (value > 0 && value < yMax) out.push(`<line x1="${left}" y1="${c(y)}" x2="${left + plotWidth}" y2="${c(y)}" stroke="#eee"/>`);
    }
    for (let h = 0; h <= hours + 1e-9; h += tickEvery) {
      const x = left + (minutes > 1 ? (h * 60 * plotWidth) / (minutes - 1) : 0);
      if (x > left + plotWidth + 0.5) break;
      out.push(`<text x="${c(x)}" y="${y0 + panelHeight + 14}" text-anchor="middle">${fmt(h, tickEvery < 1 ? 2 : 0)} h</text>`);
    }
    results.forEach((r, i) => {
      const values = panel.pick(r);
      const segments: string[][] = [[]];
      for (let m = 0; m < values.length; m++) {
        const v = values[m];
        if (!Number.isFinite(v)) {
          if (segments[segments.length - 1].length > 0) segments.push([]);
          continue;
        }
        const x = left + (minutes > 1 ? (m * plotWidth) / (minutes - 1) : 0);
        const y = y0 + panelHeight * (1 - scale(v));
        segments[segments.length - 1].push(`${c(x)},${c(y)}`);
      }
      for (const points of segments) {
        if (points.length === 0) continue;
        out.push(
          `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.2" stroke-opacity="0.85" points="${points.join(" ")}"/>`,
        );
      }
    });
  });
  const legendY = top + panels.length * (panelHeight + gap) - 10;
  results.forEach((r, i) => {
    const x = left + (i % 3) * 300;
    const y = legendY + Math.floor(i / 3) * 20;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 24}" y2="${y - 4}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="3"/>`);
    out.push(`<text x="${x + 30}" y="${y}">${escapeXml(r.strategy)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** 1, 2, 5 × 10^n at or above n. */
function niceCeil(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * power >= n) return m * power;
  return 10 * power;
}

/** The chaos results as a Markdown table, and what makes a scenario fail. */
import { ScenarioResult } from "./harness";

/** Why a result is not acceptable (empty: it is). Lost, valid messages dead-lettered, undrained are never fine. */
export function problems(r: ScenarioResult): string[] {
  const out: string[] = [];
  if (r.lost > 0) out.push(`${r.lost} lost`);
  if (r.dlqValid > 0) out.push(`${r.dlqValid} valid messages in the DLQ`);
  if (!r.drained || r.left > 0) out.push(`not drained (${r.left} left)`);
  if (r.processed < r.sent) out.push(`${r.sent - r.processed} never processed`);
  if (r.dlqBad !== r.bad) out.push(`${r.dlqBad} of ${r.bad} bad bodies in the DLQ`);
  if (r.sigtermBadExits > 0) out.push(`${r.sigtermBadExits} SIGTERM exits not 0`);
  return out;
}

export interface TableOptions {
  /** Wall time and SIGTERM exit times; off for the docs (times depend on the machine). */
  times: boolean;
}

export function formatTable(results: ScenarioResult[], { times }: TableOptions): string {
  const head = [
    "scenario",
    "sent",
    "processed",
    "processed twice",
    "lost",
    "left",
    "in DLQ (valid / bad)",
    "SIGTERMs (exit ≠ 0)",
    ...(times ? ["SIGTERM → exit, max s", "resumed after s", "wall s"] : []),
    "SIGKILLs",
    "restarts after a crash",
    "connections broken",
    "WARN/ERROR lines",
    "result",
  ];
  const rows = results.map((r) => [
    r.name,
    r.sent,
    r.processed,
    r.processedTwice,
    r.lost,
    r.left,
    `${r.dlqValid} / ${r.dlqBad}`,
    `${r.sigtermExitMs.length} (${r.sigtermBadExits})`,
    ...(times
      ? [
          r.sigtermExitMs.length ? (Math.max(...r.sigtermExitMs) / 1000).toFixed(2) : "-",
          r.resumeSeconds === undefined ? "-" : r.resumeSeconds.toFixed(2),
          r.wallSeconds.toFixed(1),
        ]
      : []),
    r.sigkills,
    r.crashes,
    r.disruptedConnections,
    r.warnLines,
    problems(r).join("; ") || "ok",
  ]);
  return [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

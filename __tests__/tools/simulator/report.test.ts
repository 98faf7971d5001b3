import { simulate } from "../../../tools/simulator/model";
import { formatSeconds, markdownTable, svgChart } from "../../../tools/simulator/report";
import { testSettings } from "../../helpers";
import { BLUEPRINT_INTENDED, CDK_QUEUE_PROCESSING, reactiveReference } from "../../../tools/simulator/strategies";
import { blueprintWorkload, treeWorkload } from "../../../tools/simulator/workloads";
import { recursiveFanoutStrategy } from "../../../tools/simulator/recursive-fanout";
import { taskPerMessageStrategy } from "../../../tools/simulator/task-per-message";

const horizonSeconds = 3600;
const workload = blueprintWorkload({ horizonSeconds, seed: 1 });
const results = [BLUEPRINT_INTENDED, CDK_QUEUE_PROCESSING].map((s) => simulate(workload, s, { horizonSeconds }));

test("markdown table: the workload, its lower bound, and one row per strategy with every figure", () => {
  const md = markdownTable(workload, results);
  expect(md).toContain("3000 messages in 1.0 h; lower bound (total processing time): 4.17 task-hours");
  const main = md.split("\nRedelivery")[0];
  const rows = main.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| strategy"));
  expect(rows.map((r) => r.split("|")[1].trim())).toEqual(["blueprint-intended", "cdk-queue-processing"]);
  expect(rows[0].split("|").length - 2).toBe(12);
  expect(rows[0]).toContain(`| ${results[0].taskHours.toFixed(1)} | ${(results[0].taskHours / results[0].workHours).toFixed(2)} |`);
  expect(rows[0]).toContain(`| blueprint-intended | ${(results[0].overGoalShare * 100).toFixed(2)} % |`);
});

test("the reactive reference is marked as not deployable", () => {
  const reference = simulate(workload, reactiveReference(testSettings("sqs-dynamic-target-tracking")), { horizonSeconds });
  expect(markdownTable(workload, [reference])).toContain("| reactive-reference (not deployable) |");
});

test("the tables of issue 13's patterns: launches for task-per-message, makespan on a tree workload, none elsewhere", () => {
  const tpm = taskPerMessageStrategy(testSettings("sqs-task-per-message"));
  const fan = recursiveFanoutStrategy(testSettings("sqs-recursive-fanout"));
  const tree = treeWorkload({ horizonSeconds, seed: 1 }, { branching: 2, depth: 2, extraEdgeRate: 0, nodeTimeMinSeconds: 1, nodeTimeMaxSeconds: 1 }, 60);
  const rs = [BLUEPRINT_INTENDED, tpm, fan].map((s) => simulate(tree, s, { horizonSeconds }));
  const md = markdownTable(tree, rs);
  const l = rs[1].launches!;
  expect(md).toContain(`| sqs-task-per-message | ${l.tasks} | ${l.invocations} | ${l.throttled} | ${l.atCap} | ${rs[1].peakTasks} |`);
  expect(md).toContain(`| sqs-recursive-fanout | ${formatSeconds(rs[2].fanout!.makespanSeconds)} | 7 | 0 |`);
  expect(md).toContain(`| blueprint-intended | ${formatSeconds(rs[0].fanout!.makespanSeconds)} | – | – | – | – |`);
  expect(markdownTable(workload, results)).not.toContain("Tree run");
  expect(markdownTable(workload, results)).not.toContain("Task per message");
});

test("SVG chart: four panels, a line per strategy and panel (no metric or target line for step scaling), a legend", () => {
  const svg = svgChart(workload, results);
  expect(svg.startsWith("<svg ")).toBe(true);
  expect(svg.trim().endsWith("</svg>")).toBe(true);
  expect(svg.match(/<polyline /g)?.length).toBe(2 + 2 + 1 + 1);
  expect(svg).toContain("Target-tracking metric as the policy saw it");
  expect(svg).toContain(">cdk-queue-processing</text>");
  expect(svg).not.toMatch(/NaN|Infinity/);
  // Queue depth on a log scale: grid labels at powers of ten.
  expect(svg).toMatch(/>10<\/text>[\s\S]*>100<\/text>/);
  expect(svgChart(workload, results)).toBe(svg); // byte-identical
});

test("durations read as seconds, minutes or hours", () => {
  expect([formatSeconds(5.25), formatSeconds(75), formatSeconds(600), formatSeconds(9000)]).toEqual(["5.3 s", "75 s", "10.0 min", "2.5 h"]);
});

test("markdown table: a second table with redelivery, interruptions and waits for a task per strategy", () => {
  const md = markdownTable(workload, results);
  expect(md).toContain("| strategy | processed twice | interrupted by scale-in | waits for a task | first message → first running task | mean wait | max wait |");
  const row = md.split("\n").filter((l) => l.startsWith("| blueprint-intended |"))[1];
  expect(row).toBe(`| blueprint-intended | ${results[0].duplicates} | ${results[0].interrupted} | 0 | – | – | – |`);
});

/**
 * `npm run fanout -- start [--root n0] [--run-id ID]` seeds a recursive fan-out run: the run record, the root's
 * claim, the root message. `npm run fanout -- status --run-id ID [--watch] [--timeout 600]` prints its progress
 * (counters and the queue's counts) and, with --watch, repeats every 5 s until the run is complete or stalled.
 *
 * The table and queue come from --table / --queue-url or TABLE_NAME / QUEUE_URL (the stack's outputs); region,
 * credentials and endpoints from the standard AWS environment. Exit code: 0 complete (or seeded), 1 stalled or
 * an error, 2 still running when --watch timed out.
 */
import { parseArgs } from "node:util";
import { fanoutDocumentClient, FanoutStore } from "../app-code/recursive-fanout/fanout-store";
import { newRunId } from "../app-code/recursive-fanout/node-processor";
import { runStatus, RunStatus, startRun } from "../app-code/recursive-fanout/run-control";
import { sqsQueueCounts } from "../app-code/shared/queue-counts";
import { createSqsClient } from "../app-code/shared/sqs-client";

const USAGE = "usage: npm run fanout -- start [--root n0] [--run-id ID] | status --run-id ID [--watch] [--timeout SECONDS]  (--table, --queue-url or TABLE_NAME, QUEUE_URL)";

export function formatStatus(status: RunStatus): string {
  const { run } = status;
  return `${run.runId} (root ${run.rootNodeId}, started ${run.startedAt}): ${status.percent.toFixed(1)} % ${status.summary}${run.pruned ? `; ${run.pruned} children pruned by the depth guard` : ""}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "run-id": { type: "string" },
      root: { type: "string", default: "n0" },
      table: { type: "string" },
      "queue-url": { type: "string" },
      watch: { type: "boolean", default: false },
      timeout: { type: "string", default: "600" },
    },
  });
  const command = positionals[0];
  const table = values.table ?? process.env.TABLE_NAME;
  const queueUrl = values["queue-url"] ?? process.env.QUEUE_URL;
  if ((command !== "start" && command !== "status") || positionals.length !== 1) throw new Error(USAGE);
  if (!table) throw new Error(`the table is required: --table NAME or TABLE_NAME (the stack's output)\n${USAGE}`);
  if (!queueUrl) throw new Error(`the queue is required: --queue-url URL or QUEUE_URL (the stack's output)\n${USAGE}`);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 86_400) throw new Error(`--timeout=${values.timeout} is invalid: expected whole seconds from 1 up to 86400`);

  const store = new FanoutStore(fanoutDocumentClient(), { tableName: table, ttlDays: 7 });
  const sqs = createSqsClient();
  if (command === "start") {
    const runId = values["run-id"] ?? newRunId();
    await startRun(store, sqs, queueUrl, runId, values.root!);
    console.log(`run ${runId} started at node ${values.root}; follow it with: npm run fanout -- status --run-id ${runId} --watch`);
    return 0;
  }
  const runId = values["run-id"];
  if (!runId) throw new Error(`status needs --run-id\n${USAGE}`);
  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    const status = await runStatus(store, () => sqsQueueCounts(sqs, queueUrl), runId);
    console.log(formatStatus(status));
    if (status.state !== "running") return status.state === "complete" ? 0 : 1;
    if (!values.watch) return 0;
    if (Date.now() >= deadline) return 2;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

export { main };

/**
 * `npm run local -- --stack sqs-recursive-fanout [--branching 3 --depth 6 --workers 6 --extra-edges 0.1
 *   --duplicates 0.05 --post-faults 0.02 --timeout 180]`
 *
 * The recursive fan-out on this machine: fauxqs (the node queue and its DLQ), dynalite (the run table), several
 * workers (the shared queue worker with the node processor, each with its own clients) and the seeding and
 * status code of `npm run fanout`. The graph has cycles, cross edges and repeated children (--extra-edges); the "network"
 * delivers some posted children twice (--duplicates) and drops some SendMessageBatch calls before they are sent,
 * as a worker dying between claiming children and posting them would (--post-faults); two messages name no node.
 * Stops by itself when the run is complete (or stalled, or at --timeout) and checks that every node was processed
 * at least once, that no node was posted twice, that the counters agree and that the bad messages are in the DLQ.
 */
import { SendMessageBatchRequestEntry, SendMessageCommand } from "@aws-sdk/client-sqs";
import { NodeWorkload, syntheticWorkload } from "../../app-code/recursive-fanout/node-processor";
import { runStatus, startRun } from "../../app-code/recursive-fanout/run-control";
import { SyntheticTree } from "../../app-code/recursive-fanout/synthetic-tree";
import type { Log } from "../../app-code/worker/src/log";
import { formatStatus } from "../fanout";
import { seededRandom } from "../simulator/random";
import { LocalFanoutWorker, startFanoutEnvironment, startFanoutWorker } from "./fanout-environment";
import { numberOptions } from "./local-options";
import { addSendFaults } from "./sqs-faults";

export async function runRecursiveFanoutLocally(argv: string[]): Promise<number> {
  const o = numberOptions(argv, {
    branching: { default: 3, min: 1, max: 100, integer: true, doc: "children per node" },
    depth: { default: 6, min: 0, max: 30, integer: true, doc: "levels below the root" },
    workers: { default: 6, min: 1, max: 32, integer: true, doc: "worker processes" },
    "extra-edges": { default: 0.1, min: 0, max: 1, doc: "rate of extra edges: cycles, cross edges, repeated children" },
    duplicates: { default: 0.05, min: 0, max: 0.5, doc: "rate of child messages delivered twice" },
    "post-faults": { default: 0.02, min: 0, max: 0.2, doc: "rate of SendMessageBatch calls dropped" },
    timeout: { default: 180, min: 10, max: 3600, integer: true, doc: "seconds" },
  });
  const treeEnv = {
    TREE_BRANCHING: String(o.branching),
    TREE_DEPTH: String(o.depth),
    TREE_EXTRA_EDGE_RATE: String(o["extra-edges"]),
    TREE_SEED: "1",
    NODE_TIME_MIN_SECONDS: "0.005",
    NODE_TIME_MAX_SECONDS: "0.02",
  };
  const workerCount = o.workers;
  const duplicates = o.duplicates;
  const postFaults = o["post-faults"];
  const timeoutSeconds = o.timeout;
  const tree = new SyntheticTree({
    branching: o.branching,
    depth: o.depth,
    extraEdgeRate: o["extra-edges"],
    seed: 1,
    nodeTimeMinSeconds: 0.005,
    nodeTimeMaxSeconds: 0.02,
  });
  if (tree.size > 100_000) throw new Error(`--branching ${treeEnv.TREE_BRANCHING} --depth ${treeEnv.TREE_DEPTH} gives ${tree.size} nodes: the local run takes at most 100000`);

  const started = Date.now();
  const env = await startFanoutEnvironment("fanout", { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 });
  const workers: LocalFanoutWorker[] = [];
  try {
    const processedTimes = new Map<string, number>();
    const postedTimes = new Map<string, number>();
    let duplicated = 0;
    let dropped = 0;
    const shownRejections = new Set<unknown>();
    const log: Log = {
      debug() {},
      info() {},
      warn(message, ...extra) {
        const fields = Object.assign({}, ...extra) as Record<string, unknown>;
        if (message.startsWith("invalid message") && !shownRejections.has(fields.messageId)) {
          shownRejections.add(fields.messageId);
          console.log(`worker: message ${fields.messageId} rejected: ${fields.reason}`);
        }
      },
      error(message, ...extra) {
        console.log(`worker error: ${message} ${JSON.stringify(Object.assign({}, ...extra))}`);
      },
    };
    const recordProcessing = (t: SyntheticTree): NodeWorkload => {
      const normal = syntheticWorkload(t);
      return {
        ...normal,
        process: (nodeId, signal) => {
          processedTimes.set(nodeId, (processedTimes.get(nodeId) ?? 0) + 1);
          return normal.process(nodeId, signal);
        },
      };
    };
    for (let w = 0; w < workerCount; w++) {
      // Seeded (which calls a draw hits still depends on which worker takes which node).
      const random = seededRandom(1000 + w);
      const recordPosts = (entries: SendMessageBatchRequestEntry[]) => {
        for (const e of entries) {
          const nodeId = JSON.parse(e.MessageBody ?? "{}").nodeId as string;
          postedTimes.set(nodeId, (postedTimes.get(nodeId) ?? 0) + 1);
        }
      };
      workers.push(
        await startFanoutWorker(env, treeEnv, log, {
          workload: recordProcessing,
          setUp: (sqs) =>
            addSendFaults(sqs, {
              failCall: () => random() < postFaults && ++dropped > 0,
              duplicate: () => random() < duplicates && ++duplicated > 0,
              onSent: recordPosts,
            }),
        }),
      );
    }

    const runId = `local-${Date.now()}`;
    console.log(`fauxqs on ${env.fauxqs.endpoint}, dynalite on ${env.dynalite.endpoint}; ${workerCount} workers`);
    console.log(
      `run ${runId}: ${tree.size} nodes (branching ${treeEnv.TREE_BRANCHING}, depth ${treeEnv.TREE_DEPTH}, extra edges ${treeEnv.TREE_EXTRA_EDGE_RATE}); ` +
        `duplicates ${duplicates}, dropped posts ${postFaults}; 2 messages that name no node`,
    );
    await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, runId, "n0");
    const bad = [JSON.stringify({ runId, depth: 1 }), JSON.stringify({ runId, nodeId: `n${tree.size + 7}`, depth: 1 })];
    for (const MessageBody of bad) await env.queues.sqs.send(new SendMessageCommand({ QueueUrl: env.queues.queueUrl, MessageBody }));

    const store = env.store();
    const status = () => runStatus(store, env.queueCounts, runId);
    const deadline = started + timeoutSeconds * 1000;
    let current = await status();
    let lastPrint = 0;
    while (Date.now() < deadline) {
      current = await status();
      const dlq = await env.queues.dlq();
      if (current.state !== "running" && dlq.ready >= bad.length) break;
      if (Date.now() - lastPrint >= 1000) {
        console.log(formatStatus(current));
        lastPrint = Date.now();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(formatStatus(current));
    await Promise.all(workers.map((w) => w.worker.stop("local run over")));

    const dlq = await env.queues.dlq();
    const stats = workers.map((w) => w.processor.stats);
    const sum = (key: keyof (typeof stats)[number]) => stats.reduce((n, s) => n + s[key], 0);
    const unprocessed = Array.from({ length: tree.size }, (_, i) => tree.nodeId(i)).filter((id) => !processedTimes.has(id));
    const postedTwice = [...postedTimes].filter(([, n]) => n > 1).map(([id]) => id);
    const processedAgain = [...processedTimes.values()].filter((n) => n > 1).length;
    const edges = Array.from({ length: tree.size }, (_, i) => tree.children(i).length).reduce((a, b) => a + b, 0);
    const { run } = current;
    const checks: Array<[string, boolean]> = [
      [`run complete (${current.state})`, current.state === "complete"],
      [`every node processed at least once (${tree.size - unprocessed.length} of ${tree.size})`, unprocessed.length === 0],
      [`no node posted twice (${postedTwice.length} were${postedTwice.length ? `: ${postedTwice.slice(0, 5).join(", ")}` : ""})`, postedTwice.length === 0],
      [`every node but the root posted once (${postedTimes.size} of ${tree.size - 1})`, postedTimes.size === tree.size - 1],
      [`counters: discovered ${run.discovered} = completed ${run.completed} + failed ${run.failed} = ${tree.size} nodes`, run.discovered === tree.size && run.completed === tree.size && run.failed === 0],
      [`the ${bad.length} messages naming no node in the DLQ (${dlq.ready} there)`, dlq.ready === bad.length && bad.every((b) => dlq.bodies.includes(b))],
    ];
    const ok = checks.every(([, pass]) => pass);
    console.log("\nsummary");
    console.log(`  graph          ${tree.size} nodes, ${edges} edges (${edges - (tree.size - 1)} of them extra: cycles, cross edges, repeated children)`);
    console.log(`  processing     ${sum("processed")} nodes done; ${processedAgain} processed more than once (their first attempt's post was dropped)`);
    console.log(`  duplicates     ${duplicated} child messages delivered twice; skipped: ${sum("skippedDone")} already done, ${sum("skippedLeased")} held by another delivery`);
    console.log(`  faults         ${dropped} SendMessageBatch calls dropped; ${sum("reposted")} children posted again by the retry of their parent`);
    console.log(`  workers        ${workers.map((w) => w.worker.stats.processed).join(" / ")} messages each; ${sum("claimed")} children claimed and posted in one go`);
    for (const [what, pass] of checks) console.log(`  ${pass ? "ok  " : "FAIL"} ${what}`);
    console.log(`  time           ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(ok ? "OK: every node processed, none posted twice, the run complete" : "FAILED: see the checks above");
    return ok ? 0 : 1;
  } finally {
    await Promise.all(workers.map((w) => w.worker.stop("local run over")));
    await env.close();
  }
}

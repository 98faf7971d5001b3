/**
 * The node processor against real local servers (fauxqs for SQS, dynalite for DynamoDB). End to end, in the
 * shared queue worker with several workers at once: a graph with cycles and duplicate edges runs to completion
 * with every node processed and every child posted once, and messages that name no node go to the DLQ. Called
 * directly, delivery by delivery: a crash between claiming and posting loses no subtree, the last failed receive
 * counts the node failed, concurrent duplicates are kept apart by the lease, the depth guard prunes.
 */
import { SendMessageBatchRequestEntry, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeJob } from "../../../app-code/recursive-fanout/node-message";
import { createNodeProcessor, loadFanoutConfig, NodeWorkload, syntheticWorkload } from "../../../app-code/recursive-fanout/node-processor";
import { runStatus, startRun } from "../../../app-code/recursive-fanout/run-control";
import { SyntheticTree } from "../../../app-code/recursive-fanout/synthetic-tree";
import { FanoutEnvironment, LocalFanoutWorker, startFanoutEnvironment, startFanoutWorker } from "../../../tools/local/fanout-environment";
import { localSqsClient } from "../../../tools/local/queues";
import { addSendFaults } from "../../../tools/local/sqs-faults";
import { recordingLog } from "../recording-log";
import { waitFor } from "../wait";

// 3-ary, depth 3: 40 nodes; extra edges on ~30 % of them (cycles, cross edges, repeated children); no node time.
// Receives without a long-poll wait, so that stopping a worker does not wait one out.
const TREE_ENV = {
  TREE_BRANCHING: "3",
  TREE_DEPTH: "3",
  TREE_EXTRA_EDGE_RATE: "0.3",
  TREE_SEED: "3",
  NODE_TIME_MIN_SECONDS: "0",
  NODE_TIME_MAX_SECONDS: "0",
  RECEIVE_WAIT_SECONDS: "0",
};
const TREE_SIZE = 40;

let env: FanoutEnvironment;
beforeAll(async () => {
  env = await startFanoutEnvironment("nodes", { maxReceiveCount: 3 });
});
afterAll(() => env.close());

function countPosts(into: Map<string, number>) {
  return (entries: SendMessageBatchRequestEntry[]) => {
    for (const e of entries) {
      const { nodeId } = JSON.parse(e.MessageBody ?? "{}");
      into.set(nodeId, (into.get(nodeId) ?? 0) + 1);
    }
  };
}

/** A processor called directly, delivery by delivery (no worker), with its own SQS client. */
function directProcessor(vars: Record<string, string> = {}, options: { workload?: (tree: SyntheticTree) => NodeWorkload; sqs?: SQSClient } = {}) {
  const config = loadFanoutConfig({ ...env.workerEnv, ...TREE_ENV, ...vars });
  const tree = new SyntheticTree(config.tree);
  const sqs = options.sqs ?? localSqsClient(env.fauxqs.endpoint);
  const processor = createNodeProcessor(config, { store: env.store(config), sqs, workload: (options.workload ?? syntheticWorkload)(tree), tree });
  const deliver = (job: NodeJob, messageId: string, receiveCount = 1) => processor.process(job, { signal: new AbortController().signal, log: recordingLog(), messageId, receiveCount });
  return { processor, deliver };
}

test("in the worker, three at once: every node of a graph with cycles processed, each child posted once; bad messages to the DLQ", async () => {
  const posted = new Map<string, number>();
  const log = recordingLog();
  const workers: LocalFanoutWorker[] = [];
  for (let i = 0; i < 3; i++) workers.push(await startFanoutWorker(env, TREE_ENV, log, { setUp: (sqs) => addSendFaults(sqs, { onSent: countPosts(posted) }) }));
  try {
    await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, "graph", "n0");
    const send = (MessageBody: string) => env.queues.sqs.send(new SendMessageCommand({ QueueUrl: env.queues.queueUrl, MessageBody }));
    // A duplicate delivery of the root, as SQS may make; two messages that name no node.
    await send(JSON.stringify({ runId: "graph", nodeId: "n0", depth: 0 }));
    await send('{"runId":"graph","depth":0}');
    await send('{"runId":"graph","nodeId":"n4000","depth":1}');

    const store = env.store();
    const status = () => runStatus(store, env.queueCounts, "graph");
    await waitFor("run complete, bad messages in the DLQ", async () => (await status()).state !== "running" && (await env.queues.dlq()).ready === 2, 15_000, status);
    expect(await status()).toMatchObject({ state: "complete", run: { discovered: TREE_SIZE, completed: TREE_SIZE, failed: 0, pruned: 0 } });
    const stats = workers.map((w) => w.processor.stats);
    expect(stats.reduce((n, s) => n + s.processed, 0)).toBe(TREE_SIZE);
    expect(stats.reduce((n, s) => n + s.skippedDone + s.skippedLeased, 0)).toBe(1);
    expect(posted.size).toBe(TREE_SIZE - 1);
    expect([...posted.values()].every((n) => n === 1)).toBe(true);
    // The graph really has edges back to nodes already claimed (which the claims stopped).
    const tree = new SyntheticTree(loadFanoutConfig({ ...env.workerEnv, ...TREE_ENV }).tree);
    expect(Array.from({ length: tree.size }, (_, i) => tree.children(i)).flat().length).toBeGreaterThan(TREE_SIZE - 1 + 5);

    // One warning per delivery of a bad message (at most maxReceiveCount = 3 each), naming it and the reason.
    const rejections = log.lines.filter((l) => l.level === "warn" || l.level === "error");
    expect(rejections.length).toBe(workers.reduce((n, w) => n + w.worker.stats.invalid, 0));
    expect(rejections.length).toBeLessThanOrEqual(6);
    const reasons = new Map<unknown, Set<unknown>>();
    for (const l of rejections) reasons.set(l.extra.messageId, (reasons.get(l.extra.messageId) ?? new Set()).add(l.extra.reason));
    expect([...reasons.values()].map((r) => [...r].join()).sort()).toEqual(['nodeId "n4000" names no node of the workload', "nodeId null names no node: expected a non-empty string"]);
    expect(await env.queueCounts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  } finally {
    await Promise.all(workers.map((w) => w.worker.stop("test end")));
  }
});

test("a delivery that dies between claiming children and posting them: the next delivery posts them, nothing is lost", async () => {
  const posted = new Map<string, number>();
  const sqs = localSqsClient(env.fauxqs.endpoint);
  addSendFaults(sqs, { failCall: (_entries, call) => call === 1, onSent: countPosts(posted) });
  const { processor, deliver } = directProcessor({ TREE_EXTRA_EDGE_RATE: "0" }, { sqs });
  await env.store().createRun("crash", "n1");
  const job = { runId: "crash", nodeId: "n1", depth: 0 };
  await expect(deliver(job, "m-1", 1)).rejects.toThrow("injected fault");
  expect(await env.store().getNode("crash", "n4")).toMatchObject({ status: "queued", parentId: "n1" });
  await deliver(job, "m-1", 2);
  expect(processor.stats).toMatchObject({ processed: 1, reposted: 3, claimed: 0 });
  expect([...posted.keys()].sort()).toEqual(["n4", "n5", "n6"]);
  expect(await env.store().getRun("crash")).toMatchObject({ discovered: 4, completed: 1 });
});

test("a node whose last receive fails is counted failed once; one that later succeeds (a DLQ redrive) moves to completed", async () => {
  let broken = true;
  const failing = (tree: SyntheticTree) => {
    const normal = syntheticWorkload(tree);
    return { ...normal, process: async (nodeId: string, signal: AbortSignal) => (broken ? Promise.reject(new Error("boom")) : normal.process(nodeId, signal)) };
  };
  const { processor, deliver } = directProcessor({ TREE_EXTRA_EDGE_RATE: "0" }, { workload: failing });
  await env.store().createRun("fails", "n2");
  const job = { runId: "fails", nodeId: "n2", depth: 0 };
  for (const receive of [1, 2, 3]) await expect(deliver(job, "m-2", receive)).rejects.toThrow("boom");
  expect(processor.stats.failedFinal).toBe(1);
  expect(await env.store().getRun("fails")).toMatchObject({ discovered: 1, completed: 0, failed: 1 });
  expect(await env.store().getNode("fails", "n2")).toMatchObject({ status: "failed" });
  broken = false;
  await deliver(job, "m-3", 1);
  expect(await env.store().getRun("fails")).toMatchObject({ discovered: 4, completed: 1, failed: 0 });
});

test("duplicate deliveries at the same time: one processes the node, the other is skipped by the lease", async () => {
  const { processor, deliver } = directProcessor({ TREE_EXTRA_EDGE_RATE: "0", NODE_TIME_MIN_SECONDS: "0.2", NODE_TIME_MAX_SECONDS: "0.2" });
  await env.store().createRun("dup", "n0");
  const job = { runId: "dup", nodeId: "n0", depth: 0 };
  await Promise.all([deliver(job, "copy-1"), deliver(job, "copy-2")]);
  expect(processor.stats).toMatchObject({ processed: 1, skippedLeased: 1, claimed: 3 });
  await deliver(job, "copy-3");
  expect(processor.stats.skippedDone).toBe(1);
  expect(await env.store().getRun("dup")).toMatchObject({ discovered: 4, completed: 1 });
});

test("the depth guard: children deeper than MAX_DEPTH are not claimed or posted, and are counted as pruned", async () => {
  const { processor, deliver } = directProcessor({ TREE_EXTRA_EDGE_RATE: "0", MAX_DEPTH: "1" });
  await env.store().createRun("deep", "n1");
  await deliver({ runId: "deep", nodeId: "n1", depth: 1 }, "m-4");
  expect(processor.stats).toMatchObject({ processed: 1, claimed: 0, pruned: 3 });
  expect(await env.store().getRun("deep")).toMatchObject({ discovered: 1, completed: 1, pruned: 3 });
  expect(await env.store().getNode("deep", "n4")).toBeUndefined();
});

test("a message for a run that does not exist fails with the run's name", async () => {
  const { deliver } = directProcessor();
  await expect(deliver({ runId: "ghost", nodeId: "n3", depth: 2 }, "m-5")).rejects.toThrow("run ghost does not exist");
});

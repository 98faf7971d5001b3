/**
 * The node processor against real local servers (fauxqs for SQS, dynalite for DynamoDB), several workers at
 * once: a graph with cycles and duplicate edges runs to completion with every node processed and every child
 * posted once; a crash between claiming and posting loses no subtree; the last failure of a node counts it
 * failed; a message that names no node goes to the DLQ; the depth guard prunes.
 */
import { SendMessageCommand, SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { createNodeProcessor, loadFanoutConfig, syntheticWorkload } from "../../../app-code/recursive-fanout/node-processor";
import { runStatus, startRun } from "../../../app-code/recursive-fanout/run-control";
import { SyntheticTree } from "../../../app-code/recursive-fanout/synthetic-tree";
import { FanoutEnvironment, LocalFanoutWorker, startFanoutEnvironment, startFanoutWorker } from "../../../tools/local/fanout-environment";
import { addSendFaults } from "../../../tools/local/sqs-faults";
import { localSqsClient } from "../../../tools/local/queues";
import { recordingLog } from "../recording-log";
import { waitFor } from "../wait";

// 3-ary, depth 3: 40 nodes; extra edges on ~30 % of them (cycles, cross edges, repeated children); no node time.
const TREE_ENV = { TREE_BRANCHING: "3", TREE_DEPTH: "3", TREE_EXTRA_EDGE_RATE: "0.3", TREE_SEED: "3", NODE_TIME_MIN_SECONDS: "0", NODE_TIME_MAX_SECONDS: "0" };
const TREE_SIZE = 40;

let env: FanoutEnvironment;
const workers: LocalFanoutWorker[] = [];
beforeAll(async () => {
  env = await startFanoutEnvironment("nodes", { maxReceiveCount: 3 });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.driver.stop()));
});
afterAll(() => env.close());

function posts(into: Map<string, number>) {
  return (entries: SendMessageBatchRequestEntry[]) => {
    for (const e of entries) {
      const { nodeId } = JSON.parse(e.MessageBody ?? "{}");
      into.set(nodeId, (into.get(nodeId) ?? 0) + 1);
    }
  };
}

async function untilSettled(runId: string, timeoutMs = 15_000) {
  const store = env.store();
  await waitFor(`run ${runId} settled`, async () => (await runStatus(store, env.queueCounts, runId)).state !== "running", timeoutMs, () => runStatus(store, env.queueCounts, runId));
  return runStatus(store, env.queueCounts, runId);
}

test("a graph with cycles and duplicate edges: every node processed, each child posted once, the run complete", async () => {
  const posted = new Map<string, number>();
  const log = recordingLog();
  for (let i = 0; i < 3; i++) workers.push(startFanoutWorker(env, TREE_ENV, log, { setUp: (sqs) => addSendFaults(sqs, { onSent: posts(posted) }) }));
  await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, "graph", "n0");
  // A duplicate delivery of the root, as SQS may make.
  await env.queues.sqs.send(new SendMessageCommand({ QueueUrl: env.queues.queueUrl, MessageBody: JSON.stringify({ runId: "graph", nodeId: "n0", depth: 0 }) }));

  const status = await untilSettled("graph");
  expect(status.state).toBe("complete");
  expect(status.run).toMatchObject({ discovered: TREE_SIZE, completed: TREE_SIZE, failed: 0, pruned: 0 });
  const stats = workers.map((w) => w.processor.stats);
  expect(stats.reduce((n, s) => n + s.processed, 0)).toBe(TREE_SIZE);
  expect(stats.reduce((n, s) => n + s.skippedDone + s.skippedLeased, 0)).toBe(1);
  expect(posted.size).toBe(TREE_SIZE - 1);
  expect([...posted.values()].every((n) => n === 1)).toBe(true);
  // The graph really had edges back to processed nodes (which the claims stopped).
  const tree = new SyntheticTree(loadFanoutConfig({ ...env.workerEnv, ...TREE_ENV }).tree);
  const edges = Array.from({ length: tree.size }, (_, i) => tree.children(i)).flat().length;
  expect(edges).toBeGreaterThan(TREE_SIZE - 1 + 5);
  expect(await env.queueCounts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
});

test("a worker dying between claiming children and posting them: the retry posts them, nothing is lost", async () => {
  const posted = new Map<string, number>();
  const log = recordingLog();
  // The first post of the root fails before anything is sent.
  const setUp = (sqs: Parameters<typeof addSendFaults>[0]) => addSendFaults(sqs, { failCall: (_entries, call) => call === 1, onSent: posts(posted) });
  workers.push(startFanoutWorker(env, TREE_ENV, log, { setUp }));
  await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, "crash", "n0");
  const status = await untilSettled("crash");
  expect(status).toMatchObject({ state: "complete", run: { discovered: TREE_SIZE, completed: TREE_SIZE } });
  expect(workers[0].processor.stats.reposted).toBe(3);
  expect(workers[0].driver.stats.retried).toBe(1);
  expect([...posted.values()].every((n) => n === 1)).toBe(true);
  expect(posted.size).toBe(TREE_SIZE - 1);
});

test("a node whose every attempt fails is counted failed on its last receive and reaches the DLQ; the run still completes", async () => {
  const log = recordingLog();
  const failing = (tree: SyntheticTree) => {
    const normal = syntheticWorkload(tree);
    return { ...normal, process: async (nodeId: string, signal: AbortSignal) => (nodeId === "n2" ? Promise.reject(new Error("boom")) : normal.process(nodeId, signal)) };
  };
  workers.push(startFanoutWorker(env, TREE_ENV, log, { workload: failing }));
  await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, "fails", "n0");
  const status = await untilSettled("fails");
  expect(status.state).toBe("complete");
  // n2's own children were never discovered; nodes reachable from elsewhere still were.
  expect(status.run.failed).toBe(1);
  expect(status.run.completed + status.run.failed).toBe(status.run.discovered);
  expect(workers[0].driver.stats.retried).toBe(3);
  // SQS moves the message when a receive would exceed maxReceiveCount, which the next poll makes.
  const inDlq = async () => (await env.queues.dlq()).bodies.map((b) => JSON.parse(b)).filter((b) => b.runId === "fails").map((b) => b.nodeId);
  await waitFor("n2 in the DLQ", async () => (await inDlq()).length > 0, 5000);
  expect(await inDlq()).toEqual(["n2"]);
});

test("a message that names no node is rejected to the DLQ with one log line and counts nowhere", async () => {
  const log = recordingLog();
  workers.push(startFanoutWorker(env, TREE_ENV, log));
  await env.store().createRun("bad", "n0");
  const bodies = ['{"runId":"bad","depth":0}', '{"runId":"bad","nodeId":"n4000","depth":1}'];
  for (const MessageBody of bodies) await env.queues.sqs.send(new SendMessageCommand({ QueueUrl: env.queues.queueUrl, MessageBody }));
  await waitFor("both in the DLQ", async () => (await env.queues.dlq()).bodies.filter((b) => b.includes('"bad"')).length === 2, 8000);
  const rejections = log.lines.filter((l) => l.message === "message rejected; left for the DLQ");
  // One line per delivery (at most maxReceiveCount = 3 each), each naming the message and the reason.
  expect(rejections).toHaveLength(workers[0].driver.stats.rejected);
  expect(log.lines.filter((l) => l.level !== "debug")).toEqual(rejections);
  const byMessage = new Map<unknown, Set<unknown>>();
  for (const l of rejections) byMessage.set(l.extra.messageId, (byMessage.get(l.extra.messageId) ?? new Set()).add(l.extra.reason));
  expect([...byMessage.values()].map((reasons) => [...reasons]).sort()).toEqual([['nodeId "n4000" names no node of the workload'], ["nodeId null names no node: expected a non-empty string"]]);
  expect(rejections.length).toBeLessThanOrEqual(6);
  expect(await env.store().getRun("bad")).toMatchObject({ discovered: 1, completed: 0, failed: 0 });
});

test("duplicate deliveries at the same time: one processes the node, the other is skipped by the lease", async () => {
  const config = loadFanoutConfig({ ...env.workerEnv, ...TREE_ENV, NODE_TIME_MIN_SECONDS: "0.2", NODE_TIME_MAX_SECONDS: "0.2" });
  const processor = createNodeProcessor(config, { store: env.store(config), sqs: localSqsClient(env.fauxqs.endpoint), workload: syntheticWorkload(new SyntheticTree(config.tree)) });
  await env.store().createRun("dup", "n0");
  const ctx = (messageId: string) => ({ signal: new AbortController().signal, log: recordingLog(), messageId, receiveCount: 1 });
  const job = { runId: "dup", nodeId: "n0", depth: 0 };
  await Promise.all([processor.process(job, ctx("copy-1")), processor.process(job, ctx("copy-2"))]);
  expect(processor.stats).toMatchObject({ processed: 1, skippedLeased: 1, claimed: 3 });
  await processor.process(job, ctx("copy-3"));
  expect(processor.stats.skippedDone).toBe(1);
  expect(await env.store().getRun("dup")).toMatchObject({ discovered: 4, completed: 1 });
});

test("the depth guard: children deeper than MAX_DEPTH are not posted, and are counted as pruned", async () => {
  const log = recordingLog();
  workers.push(startFanoutWorker(env, { ...TREE_ENV, TREE_EXTRA_EDGE_RATE: "0", MAX_DEPTH: "1" }, log));
  await startRun(env.store(), env.queues.sqs, env.queues.queueUrl, "deep", "n0");
  const status = await untilSettled("deep");
  expect(status).toMatchObject({ state: "complete", run: { discovered: 4, completed: 4, pruned: 9 } });
});

/**
 * The recursive fan-out's node step, as a processor of the shared queue worker (../worker/src/processor.ts,
 * registered as `WORKER_PROCESSOR=recursive-fanout`): `parse` validates a message, `process` handles one node; a
 * throw leaves the message for another delivery (and after maxReceiveCount the DLQ), a return lets the worker
 * delete it.
 *
 * One node, in this order (each step safe to repeat):
 * 1. take the node's lease (conditional): a node already done is skipped; one leased by another message (a
 *    duplicate delivery being processed right now) is skipped too, since that message stays until it is done;
 * 2. process it (idempotent work);
 * 3. enumerate its children; drop repeats and those beyond the maximum depth;
 * 4. claim each child with a conditional put (only one claim per node and run, so cycles and duplicates stop
 *    here); children this node claimed on an earlier attempt and that are still queued are posted again, so a
 *    crash between claiming and posting loses no subtree;
 * 5. count the new claims (ADD discovered), then post the children, ≤ 10 per SendMessageBatch;
 * 6. mark the node done (conditional) and count it (ADD completed);
 * 7. return: only now may the worker delete the parent's message.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Env, readNumber, requireString } from "../shared/env";
import type { ProcessContext, Processor } from "../worker/src/processor";
import { FanoutStore } from "./fanout-store";
import { NodeJob, nodeMessageBody, ParsedNode, parseNodeMessage } from "./node-message";
import { SyntheticTree, TreeShape } from "./synthetic-tree";

/** The work behind the nodes: which ids are nodes, a node's children, and the (idempotent) work on one. */
export interface NodeWorkload {
  isNode(nodeId: string): boolean;
  children(nodeId: string): string[];
  process(nodeId: string, signal: AbortSignal): Promise<void>;
}

export function syntheticWorkload(tree: SyntheticTree): NodeWorkload {
  return {
    isNode: (nodeId) => tree.indexOf(nodeId) !== undefined,
    children: (nodeId) => tree.children(tree.indexOf(nodeId)!).map((i) => tree.nodeId(i)),
    // The simulated work: the node's time, cut short (rejected) when the worker stops.
    process: (nodeId, signal) => sleep(tree.nodeTimeSeconds(tree.indexOf(nodeId)!) * 1000, undefined, { signal }),
  };
}

export interface FanoutConfig {
  /** `QUEUE_URL`: the node queue (children go to the same queue). */
  queueUrl: string;
  /** `TABLE_NAME`: the runs' table. */
  tableName: string;
  /** `MAX_DEPTH`: children deeper than this are not posted (counted as pruned). Default 50. */
  maxDepth: number;
  /** `MAX_RECEIVE_COUNT`: the queue's redrive maxReceiveCount; a failure on that receive counts the node failed. */
  maxReceiveCount: number;
  /** `LEASE_SECONDS`: how long a node's lease keeps duplicates away; the queue's visibility timeout. Default 300. */
  leaseSeconds: number;
  /** `RUN_TTL_DAYS`: days the run's records are kept. Default 7. */
  ttlDays: number;
  /** `TREE_*`, `NODE_TIME_*`: the synthetic workload. */
  tree: TreeShape;
}

export function loadFanoutConfig(env: Env): FanoutConfig {
  const nodeTimeMinSeconds = readNumber(env, "NODE_TIME_MIN_SECONDS", { default: 1, min: 0, max: 3600 });
  return {
    queueUrl: requireString(env, "QUEUE_URL"),
    tableName: requireString(env, "TABLE_NAME"),
    maxDepth: readNumber(env, "MAX_DEPTH", { default: 50, min: 0, max: 10_000, integer: true }),
    maxReceiveCount: readNumber(env, "MAX_RECEIVE_COUNT", { default: 5, min: 1, max: 1000, integer: true }),
    leaseSeconds: readNumber(env, "LEASE_SECONDS", { default: 300, min: 1, max: 43_200, integer: true }),
    ttlDays: readNumber(env, "RUN_TTL_DAYS", { default: 7, min: 1, max: 365, integer: true }),
    tree: {
      branching: readNumber(env, "TREE_BRANCHING", { default: 4, min: 1, max: 100, integer: true }),
      depth: readNumber(env, "TREE_DEPTH", { default: 5, min: 0, max: 30, integer: true }),
      extraEdgeRate: readNumber(env, "TREE_EXTRA_EDGE_RATE", { default: 0.05, min: 0, max: 1 }),
      seed: readNumber(env, "TREE_SEED", { default: 1, min: 0, max: 2 ** 31 - 1, integer: true }),
      nodeTimeMinSeconds,
      nodeTimeMaxSeconds: readNumber(env, "NODE_TIME_MAX_SECONDS", { default: Math.max(3, nodeTimeMinSeconds), min: nodeTimeMinSeconds, max: 3600 }),
    },
  };
}

export interface NodeProcessorDeps {
  store: FanoutStore;
  sqs: Pick<SQSClient, "send">;
  workload: NodeWorkload;
  /** The synthetic tree behind `workload`, when it is one (node times for the drain at SIGTERM). */
  tree?: SyntheticTree;
}

/** Counts of what the processor did (for logs, the local run's summary and tests). */
export interface NodeProcessorStats {
  processed: number;
  skippedDone: number;
  skippedLeased: number;
  claimed: number;
  /** Children posted again because an earlier attempt of their parent claimed them but may not have posted them. */
  reposted: number;
  pruned: number;
  failedFinal: number;
}

export function createNodeProcessor(config: FanoutConfig, deps: NodeProcessorDeps): Processor<NodeJob> & { stats: NodeProcessorStats } {
  // Only for the synthetic workload: how long a node takes, so a SIGTERM drain lets a node finish if it can.
  const tree = deps.tree;
  const { store, sqs, workload } = deps;
  const stats: NodeProcessorStats = { processed: 0, skippedDone: 0, skippedLeased: 0, claimed: 0, reposted: 0, pruned: 0, failedFinal: 0 };

  const processNode = async (job: NodeJob, ctx: ProcessContext): Promise<void> => {
    const { runId, nodeId } = job;
    const lease = await store.takeLease(runId, nodeId, job.depth, ctx.messageId, config.leaseSeconds * 1000);
    if (!lease.taken) {
      if (lease.why === "done") stats.skippedDone++;
      else stats.skippedLeased++;
      ctx.log.debug(lease.why === "done" ? "node already done; skipped" : "node held by another delivery; skipped", { runId, nodeId, owner: lease.owner });
      return;
    }
    // A node nobody claimed (a hand-sent message) counts as discovered now; the ADD fails if the run does not exist.
    if (lease.created) await store.addCounters(runId, { discovered: 1 });

    await workload.process(nodeId, ctx.signal);

    const depth = job.depth + 1;
    const unique = [...new Set(workload.children(nodeId))].filter((c) => c !== nodeId);
    const children = depth > config.maxDepth ? [] : unique;
    const pruned = unique.length - children.length;
    const claims = await Promise.all(children.map((c) => store.claim(runId, { nodeId: c, depth, parentId: nodeId })));
    const claimed = children.filter((_, i) => claims[i]);
    const existing = children.filter((_, i) => !claims[i]);
    // Claimed by this node before (an earlier attempt that died or failed before it finished) and still waiting.
    const repost = existing.length === 0 ? [] : (await store.getNodes(runId, existing)).filter((n) => n.parentId === nodeId && n.status === "queued").map((n) => n.nodeId);
    await store.addCounters(runId, { discovered: claimed.length });
    await postChildren(runId, nodeId, depth, [...claimed, ...repost]);
    stats.claimed += claimed.length;
    stats.reposted += repost.length;

    const previous = await store.markDone(runId, nodeId);
    if (previous !== undefined) {
      // A node redriven from the DLQ that now succeeds moves from failed to completed.
      await store.addCounters(runId, { completed: 1, failed: previous === "failed" ? -1 : 0, pruned });
      stats.pruned += pruned;
    }
    stats.processed++;
    ctx.log.debug("node done", { runId, nodeId, depth: job.depth, claimed: claimed.length, reposted: repost.length, pruned });
  };

  const postChildren = async (runId: string, parentId: string, depth: number, nodeIds: string[]): Promise<void> => {
    for (let i = 0; i < nodeIds.length; i += 10) {
      const entries = nodeIds.slice(i, i + 10).map((nodeId, j) => ({ Id: String(j), MessageBody: nodeMessageBody({ runId, nodeId, parentId, depth }) }));
      const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: config.queueUrl, Entries: entries }));
      // The SDK retried the call; entries still failed make the whole node retry (their claims stay queued and
      // are posted again then).
      if (res.Failed?.length) throw new Error(`SendMessageBatch failed for ${res.Failed.length} of ${entries.length} children: ${JSON.stringify(res.Failed)}`);
    }
  };

  return {
    name: "recursive-fanout",
    stats,
    parse: (body): ParsedNode => parseNodeMessage(body, workload.isNode),
    expectedSeconds: (job) => (tree ? tree.nodeTimeSeconds(tree.indexOf(job.nodeId)!) : undefined),
    async process(job, ctx) {
      try {
        await processNode(job, ctx);
      } catch (err) {
        // The last receive did not finish (failed, timed out or released at SIGTERM): the next receive moves the
        // message to the DLQ, so the node counts as failed (once) and its lease is freed. Best effort: if these
        // writes fail too, the run shows as stalled instead.
        if (ctx.receiveCount >= config.maxReceiveCount && (await store.markFailed(job.runId, job.nodeId).catch(() => false))) {
          stats.failedFinal++;
          await store.addCounters(job.runId, { failed: 1 }).catch(() => undefined);
        }
        throw err;
      }
    },
  };
}

/** A new run id: sortable by start time, unique. */
export function newRunId(now = new Date()): string {
  return `run-${now.toISOString().replace(/[-:.TZ]/g, "").slice(0, 14)}-${randomUUID().slice(0, 8)}`;
}

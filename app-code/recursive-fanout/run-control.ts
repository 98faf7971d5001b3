/**
 * Seeding a run and reading its progress (what `npm run fanout -- start|status` does): the run record and the
 * root's claim first, then the root message, so the first worker finds the run it counts into.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { QueueCounts } from "../shared/queue-counts";
import { FanoutStore, RunRecord } from "./fanout-store";
import { nodeMessageBody } from "./node-message";
import { RunProgress, runProgress } from "./run-progress";

export async function startRun(store: FanoutStore, sqs: Pick<SQSClient, "send">, queueUrl: string, runId: string, rootNodeId: string): Promise<void> {
  if (!(await store.createRun(runId, rootNodeId))) throw new Error(`run ${runId} exists already`);
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: nodeMessageBody({ runId, nodeId: rootNodeId, depth: 0 }) }));
}

export interface RunStatus extends RunProgress {
  run: RunRecord;
  queue: QueueCounts;
}

export async function runStatus(store: FanoutStore, queueCounts: () => Promise<QueueCounts>, runId: string): Promise<RunStatus> {
  const [run, queue] = await Promise.all([store.getRun(runId), queueCounts()]);
  if (!run) throw new Error(`run ${runId} does not exist`);
  return { run, queue, ...runProgress(run, queue) };
}

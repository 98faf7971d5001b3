/**
 * The worker against a real SQS server (fauxqs on loopback). CloudWatch cannot run here, so it is mocked.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";
import { silentLog } from "../../../app-code/worker/src/log";
import { SHORT_POLL_IDLE_PAUSE_MS, Worker } from "../../../app-code/worker/src/worker";
import { startStandIns, StandIns } from "../../../tools/local/aws-stand-ins";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { CallCounter, createLocalQueues, LocalQueues, localSqsClient } from "../../../tools/local/queues";
import { waitFor } from "../wait";
import { recordDeletes } from "./record-deletes";

let fauxqs: FauxqsProcess;
let agent: StandIns;
const cloudwatch = mockClient(CloudWatchClient);
const workers: Worker[] = [];

beforeAll(async () => {
  [fauxqs, agent] = await Promise.all([startFauxqs(), startStandIns()]);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("test end")));
  await Promise.all([fauxqs.stop(), agent.close()]);
});
beforeEach(() => cloudwatch.reset());

function startWorker(queues: LocalQueues, env: Record<string, string> = {}): Worker {
  const config = loadWorkerConfig({
    QUEUE_URL: queues.queueUrl,
    WORKER_CONCURRENCY: "4",
    // Short polls, so stop() at the end of a test need not wait out a long poll.
    RECEIVE_WAIT_SECONDS: "0",
    METRIC_FLUSH_SECONDS: "3600",
    ...env,
  });
  const worker = new Worker(config, { sqs: localSqsClient(fauxqs.endpoint), cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log: silentLog });
  workers.push(worker);
  return worker;
}

async function send(queues: LocalQueues, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const res = await queues.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody, MessageGroupId: `g${(i + j) % 8}` })),
      }),
    );
    expect(res.Failed ?? []).toEqual([]);
  }
}

test("processes every valid message, deletes it, batches the metric; poison goes to the DLQ and the worker keeps going", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "mixed", maxReceiveCount: 3 });
  const good = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `m${i}`, duration: 0.02 }));
  const poison = ["not json", JSON.stringify({ id: "neg", duration: -1 }), JSON.stringify({ id: "big", duration: 10_000 })];
  await send(queues, [...good.slice(0, 20), ...poison, ...good.slice(20)]);

  const worker = startWorker(queues, { ECS_AGENT_URI: agent.url });
  await worker.start();
  await waitFor("all messages handled", async () => worker.stats.processed === 40 && (await queues.dlq()).ready === 3, 8000, async () => ({
    stats: worker.stats,
    main: await queues.main(),
    dlq: await queues.dlq(),
  }));
  // Protected while holding messages; off once a receive comes back empty, not toggled per batch.
  await waitFor("protection off when idle", () => agent.protection.length === 2, 3000, () => agent.protection);
  expect(agent.protection).toEqual([true, false]);
  await worker.stop("test");

  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0, delayed: 0 });
  expect((await queues.dlq()).bodies.sort()).toEqual([...poison].sort());
  expect(worker.stats).toMatchObject({ processed: 40, deleteFailures: 0, released: 0 });
  expect(worker.stats.invalid).toBeGreaterThanOrEqual(poison.length);

  // Metrics: one PutMetricData at shutdown carrying all 40 samples with the blueprint's dimensions.
  const puts = cloudwatch.commandCalls(PutMetricDataCommand);
  expect(puts).toHaveLength(1);
  const input = puts[0].args[0].input;
  expect(input.Namespace).toBe("ECS-SQS-BPI");
  const datum = input.MetricData![0];
  expect(datum).toMatchObject({
    MetricName: "MsgProcessingDuration",
    Unit: "Seconds",
    Dimensions: [
      { Name: "Type", Value: "Single-Queue" },
      { Name: "QueueName", Value: "mixed.fifo" },
    ],
  });
  expect(input.MetricData!.flatMap((d) => d.Counts!).reduce((a, b) => a + b, 0)).toBe(40);
  // Measured durations (ms resolution; a 20 ms timer may fire a fraction of a millisecond early).
  const durations = input.MetricData!.flatMap((d) => d.Values!);
  expect(durations.length).toBeGreaterThan(0);
  for (const v of durations) {
    expect(v).toBeGreaterThanOrEqual(0.015);
    expect(v).toBeLessThan(1);
  }
}, 15_000);

test("a body that makes parsing throw (5,000-deep array) fails alone: its batch-mates are deleted once, only it reaches the DLQ", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "deep", visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
  const deep = `{"id":"deep","duration":${"[".repeat(5000)}${"]".repeat(5000)}}`;
  const good = Array.from({ length: 9 }, (_, i) => JSON.stringify({ id: `ok${i}`, duration: 0.01 }));
  // One batch of ten (ten groups, concurrency 10): the bad body among valid ones.
  await send(queues, [...good.slice(0, 4), deep, ...good.slice(4)]);
  const sqs = localSqsClient(fauxqs.endpoint);
  const deletes = recordDeletes(sqs);
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "10", RECEIVE_WAIT_SECONDS: "0", METRIC_FLUSH_SECONDS: "3600" });
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log: silentLog });
  workers.push(worker);
  await worker.start();
  await waitFor("queue settled", async () => {
    const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
    return main.ready + main.inflight + main.delayed === 0 && dlq.ready > 0;
  }, 8000, async () => ({ stats: worker.stats, main: await queues.main(), dlq: await queues.dlq() }));
  await worker.stop("test");

  // Labels rather than bodies, so a failure prints ids, not 10 KB of brackets.
  const label = (body: string) => (body === deep ? "deep" : (JSON.parse(body) as { id: string }).id);
  expect((await queues.dlq()).bodies.map(label)).toEqual(["deep"]);
  expect(Object.fromEntries([...deletes].map(([body, n]) => [label(body), n]))).toEqual(Object.fromEntries(good.map((b) => [label(b), 1])));
  expect(worker.stats).toMatchObject({ processed: 9, deleteFailures: 0 });
}, 15_000);

// The two slow cases that share nothing with the others (own queue, no agent, no metric assertion) run beside them.
test.concurrent("work longer than the visibility timeout keeps the message hidden (extended) and is processed once", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "long-work", visibilityTimeoutSeconds: 1 });
  await send(queues, [JSON.stringify({ id: "slow", duration: 1.8 })]);
  const worker = startWorker(queues, { WORKER_CONCURRENCY: "1" });
  await worker.start();

  await waitFor("message received", () => worker.stats.received === 1, 3000);
  // Past the 1 s visibility timeout, another consumer must still not see it.
  await new Promise((r) => setTimeout(r, 1300));
  const other = await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 0 }));
  expect(other.Messages ?? []).toEqual([]);

  await waitFor("processed", () => worker.stats.processed === 1, 3000, () => worker.stats);
  await worker.stop("test");
  expect(worker.stats.received).toBe(1);
  expect(queues.calls.byOperation.get("ReceiveMessage")).toBe(1);
  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0 });
}, 10_000);

test("messages returned by a long poll already under way at stop: one that fits is processed, one that cannot is released at once", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "late", visibilityTimeoutSeconds: 30 });
  // Stop window 2 s - 0.5 s margin.
  const worker = startWorker(queues, { RECEIVE_WAIT_SECONDS: "5", STOP_TIMEOUT_SECONDS: "2", ECS_AGENT_URI: agent.url });
  const protectionBefore = agent.protection.length;
  await worker.start();
  // start() has issued the first 5 s receive on the empty queue; give it time to reach the server.
  await new Promise((r) => setTimeout(r, 200));
  const stopping = worker.stop("test");
  await send(queues, [JSON.stringify({ id: "fits", duration: 0 }), JSON.stringify({ id: "too-long", duration: 20 })]);
  await stopping;

  expect(worker.stats).toMatchObject({ received: 2, processed: 1, released: 1 });
  const left = await queues.main();
  expect(left).toMatchObject({ ready: 1, inflight: 0 });
  expect(left.bodies.map((b) => JSON.parse(b).id)).toEqual(["too-long"]);
  // The task is stopping: protection is not switched on for such a batch.
  expect(agent.protection.length).toBe(protectionBefore);
});

test.concurrent("at stop, a message that cannot finish in time is released at once, while the one that fits still runs", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "release-now", visibilityTimeoutSeconds: 30 });
  await send(queues, [JSON.stringify({ id: "fits", duration: 1 }), JSON.stringify({ id: "too-long", duration: 20 })]);
  // Stop window 2 s - 0.5 s margin: "fits" ends inside it, "too-long" cannot.
  const worker = startWorker(queues, { WORKER_CONCURRENCY: "2", STOP_TIMEOUT_SECONDS: "2" });
  await worker.start();
  await waitFor("both messages in one batch", () => worker.stats.received === 2, 1000, () => worker.stats);

  const stopping = worker.stop("test");
  // Visible again while "fits" is still running: not held back until the batch ends.
  await waitFor("too-long visible again", async () => (await queues.main()).ready === 1, 1000);
  expect(worker.stats).toMatchObject({ processed: 0, released: 1 });
  await stopping;

  expect(worker.stats).toMatchObject({ received: 2, processed: 1, released: 1 });
  const left = await queues.main();
  expect(left).toMatchObject({ ready: 1, inflight: 0 });
  expect(left.bodies.map((b) => JSON.parse(b).id)).toEqual(["too-long"]);
}, 10_000);

// fauxqs returns one message per FIFO group per receive, so it cannot produce a batch with two messages of one
// group as SQS can; this case alone uses a mocked SQS client.
test("messages of one FIFO group in a batch run one after the other, in order", async () => {
  const sqs = new SQSClient({ region: "us-east-1" });
  const mock = mockClient(sqs);
  const msg = (id: string, group: string, duration: number) => ({
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: JSON.stringify({ id, duration }),
    Attributes: { MessageGroupId: group },
  });
  mock.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: "30" } });
  mock
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [msg("a1", "a", 0.15), msg("a2", "a", 0.15), msg("b1", "b", 0.15)] })
    .resolves({ Messages: [] });
  const deleted: string[][] = [];
  mock.on(DeleteMessageBatchCommand).callsFake((input: { Entries: Array<{ ReceiptHandle: string }> }) => {
    deleted.push(input.Entries.map((e) => e.ReceiptHandle));
    return { Successful: input.Entries.map((_, i) => ({ Id: String(i) })), Failed: [] };
  });
  const worker = new Worker(
    loadWorkerConfig({ QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q.fifo", WORKER_CONCURRENCY: "3", RECEIVE_WAIT_SECONDS: "0" }),
    { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log: silentLog },
  );
  workers.push(worker);
  cloudwatch.on(PutMetricDataCommand).resolves({});
  const t0 = performance.now();
  await worker.start();
  await waitFor("batch processed", () => worker.stats.processed === 3, 3000, () => worker.stats);
  const elapsed = performance.now() - t0;
  await worker.stop("test");

  expect(deleted[0].sort()).toEqual(["rh-a1", "rh-a2", "rh-b1"]);
  // a2 waited for a1 (2 × 0.15 s); b1 ran beside them.
  expect(elapsed).toBeGreaterThanOrEqual(290);
  expect(mock.commandCalls(ReceiveMessageCommand)[0].args[0].input.MessageSystemAttributeNames).toEqual(["MessageGroupId", "ApproximateReceiveCount"]);
});

// Per-entry failures of a batch call cannot be provoked in fauxqs on demand; a mocked SQS client again.
test("an entry that ChangeMessageVisibilityBatch reports failed is logged as an error with its message id and code", async () => {
  const sqs = new SQSClient({ region: "us-east-1" });
  const mock = mockClient(sqs);
  mock.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: "30" } });
  mock
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [{ MessageId: "m1", ReceiptHandle: "rh-m1", Body: JSON.stringify({ id: "m1", duration: 30 }) }] })
    .resolves({ Messages: [] });
  mock.on(ChangeMessageVisibilityBatchCommand).resolves({
    Successful: [],
    Failed: [{ Id: "0", Code: "ReceiptHandleIsInvalid", SenderFault: true, Message: "expired" }],
  });
  const errors: Array<[string, Record<string, unknown>]> = [];
  const worker = new Worker(
    loadWorkerConfig({ QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q.fifo", STOP_TIMEOUT_SECONDS: "2", RECEIVE_WAIT_SECONDS: "0" }),
    { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log: { ...silentLog, error: (m, ...extra) => void errors.push([m, Object.assign({}, ...extra)]) } },
  );
  workers.push(worker);
  await worker.start();
  await waitFor("message received", () => worker.stats.received === 1, 3000);
  await worker.stop("test");

  expect(mock.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries).toEqual([
    { Id: "0", ReceiptHandle: "rh-m1", VisibilityTimeout: 0 },
  ]);
  expect(errors).toEqual([
    ["could not make messages visible", expect.objectContaining({ messageIds: ["m1"], error: expect.stringContaining('"code":"ReceiptHandleIsInvalid"') })],
  ]);
});

test("stop leaves no timer behind: a process that stops its worker can end by itself, not a stop timeout later", async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const queues = await createLocalQueues(fauxqs, { name: "no-timer-left" });
  const before = timers();
  const worker = startWorker(queues, { STOP_TIMEOUT_SECONDS: "120", ECS_AGENT_URI: agent.url });
  await worker.start();
  await send(queues, [JSON.stringify({ id: "one", duration: 0 })]);
  await waitFor("processed", () => worker.stats.processed === 1, 8000, () => worker.stats);
  await worker.stop("test");
  // The stop's guard against a hung final flush was a 119 s timer that outlived a stop taking milliseconds.
  expect(timers()).toBe(before);
});

test.concurrent("short polling (RECEIVE_WAIT_SECONDS=0): an idle worker pauses after each empty receive instead of polling per round trip", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "short-poll" });
  const sqs = localSqsClient(fauxqs.endpoint);
  const calls = new CallCounter();
  calls.attach(sqs);
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "2", RECEIVE_WAIT_SECONDS: "0", METRIC_FLUSH_SECONDS: "3600" });
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log: silentLog });
  workers.push(worker);
  await worker.start();
  await new Promise((r) => setTimeout(r, 1000));
  const idleReceives = calls.byOperation.get("ReceiveMessage") ?? 0;
  // One receive per pause at most (without it: one per loopback round trip, hundreds in a second).
  expect(idleReceives).toBeGreaterThan(1);
  expect(idleReceives).toBeLessThanOrEqual(1000 / SHORT_POLL_IDLE_PAUSE_MS + 1);
  // A message sent while idle still waits at most about one pause.
  const sentAt = Date.now();
  await send(queues, [JSON.stringify({ id: "after-idle", duration: 0 })]);
  await waitFor("processed", () => worker.stats.processed === 1, 3000, () => worker.stats);
  expect(Date.now() - sentAt).toBeLessThan(1000);
  await worker.stop("test");
});

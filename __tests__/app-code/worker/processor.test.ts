/**
 * The worker with processors plugged in, against a real SQS server (fauxqs on loopback): what the worker promises a
 * processor (processor.ts) holds whatever the processor does.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";
import { Log, silentLog } from "../../../app-code/worker/src/log";
import { Processor, ProcessContext } from "../../../app-code/worker/src/processor";
import { DEFAULT_PROCESSOR, PROCESSORS, processorFromEnv } from "../../../app-code/worker/src/processors";
import { Worker } from "../../../app-code/worker/src/worker";
import { startStandIns, StandIns } from "../../../tools/local/aws-stand-ins";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, LocalQueues, localSqsClient } from "../../../tools/local/queues";
import { waitFor } from "../wait";
import { recordDeletes } from "./record-deletes";

let fauxqs: FauxqsProcess;
let agent: StandIns;
const workers: Worker[] = [];
mockClient(CloudWatchClient);

beforeAll(async () => {
  [fauxqs, agent] = await Promise.all([startFauxqs(), startStandIns()]);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("test end")));
  await Promise.all([fauxqs.stop(), agent.close()]);
});

// The slow cases (retry delays, time limits, a stop window) run side by side: each has its own queue.

/** Bodies are plain ids here; `process` decides per id what happens. */
function processor(process: (id: string, ctx: ProcessContext) => Promise<void>, parse?: Processor<string>["parse"]): Processor<string> {
  return { name: "test", parse: parse ?? ((body) => ({ ok: true, job: body ?? "" })), process };
}

function startWorker(queues: LocalQueues, p: Processor<string>, env: Record<string, string> = {}, log: Log = silentLog) {
  const sqs = localSqsClient(fauxqs.endpoint);
  const deletes = recordDeletes(sqs);
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "10", RECEIVE_WAIT_SECONDS: "0", ...env });
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log, processor: p });
  workers.push(worker);
  return { worker, deletes };
}

async function send(queues: LocalQueues, ids: string[]): Promise<void> {
  const res = await queues.sqs.send(
    new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: ids.map((id, i) => ({ Id: String(i), MessageBody: id, MessageGroupId: id })) }),
  );
  expect(res.Failed ?? []).toEqual([]);
}

const settled = (queues: LocalQueues, dlqCount: number) => async () => {
  const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
  return main.ready + main.inflight + main.delayed === 0 && dlq.ready === dlqCount;
};

test.concurrent("process throws for one message: only it is retried (receive count 1, 2, 3), then dead-lettered; the others are deleted once", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "throws", visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
  await send(queues, ["a", "boom", "b", "c"]);
  const boomCounts: number[] = [];
  const { worker, deletes } = startWorker(
    queues,
    processor(async (id, ctx) => {
      if (id !== "boom") return;
      boomCounts.push(ctx.receiveCount);
      throw new Error("x".repeat(100_000));
    }),
  );
  await worker.start();
  await waitFor("boom in the DLQ, the rest deleted", settled(queues, 1), 8000, () => worker.stats);
  await worker.stop("test");

  expect(boomCounts).toEqual([1, 2, 3]);
  expect((await queues.dlq()).bodies).toEqual(["boom"]);
  expect(Object.fromEntries(deletes)).toEqual({ a: 1, b: 1, c: 1 });
  expect(worker.stats).toMatchObject({ processed: 3, failed: 3, invalid: 0 });
});

test("parse that throws counts as a bad body: dead-lettered after maxReceiveCount, its reason logged bounded", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "parse-throws", maxReceiveCount: 2 });
  await send(queues, ["ok", "bad"]);
  const warnings: Array<Record<string, unknown>> = [];
  const log: Log = { ...silentLog, warn: (_m, ...extra) => void warnings.push(Object.assign({}, ...extra)) };
  const parse = (body: string | undefined) => {
    if (body === "bad") throw new RangeError("y".repeat(250_000));
    return { ok: true as const, job: body ?? "" };
  };
  const { worker, deletes } = startWorker(queues, processor(async () => undefined, parse), {}, log);
  await worker.start();
  await waitFor("bad in the DLQ", settled(queues, 1), 5000, () => worker.stats);
  await worker.stop("test");

  expect((await queues.dlq()).bodies).toEqual(["bad"]);
  expect(Object.fromEntries(deletes)).toEqual({ ok: 1 });
  expect(warnings).toHaveLength(2);
  for (const w of warnings) {
    expect(w.reason).toMatch(/^parse threw RangeError: y+… \(250012 chars\)$/);
    expect(JSON.stringify(w).length).toBeLessThan(400);
  }
});

test.concurrent("a process that ignores its signal is abandoned at MAX_DURATION_SECONDS + 1 s: its message is retried, the slot freed", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "hangs", visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
  await send(queues, ["hang", "a"]);
  let hangs = 0;
  const { worker, deletes } = startWorker(
    queues,
    processor((id, ctx) => {
      // Hangs on its first delivery only, without looking at ctx.signal.
      if (id === "hang" && ctx.receiveCount === 1) {
        hangs++;
        return new Promise<void>(() => undefined);
      }
      return Promise.resolve();
    }),
    { MAX_DURATION_SECONDS: "0.3" },
  );
  await worker.start();
  await waitFor("everything deleted", settled(queues, 0), 6000, () => worker.stats);
  // Meanwhile the freed slot takes new work at once.
  await send(queues, ["b"]);
  await waitFor("b deleted", () => deletes.get("b") === 1, 3000, () => worker.stats);
  await worker.stop("test");

  expect(hangs).toBe(1);
  expect(Object.fromEntries(deletes)).toEqual({ a: 1, b: 1, hang: 1 });
  expect(worker.stats).toMatchObject({ processed: 3, failed: 1 });
});

test.concurrent("no estimate: at stop a running job goes on until the stop deadline, then its signal aborts and the message is released", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "no-estimate", visibilityTimeoutSeconds: 30 });
  await send(queues, ["long"]);
  let abortedAfterStopMs: number | undefined;
  let stopAt = 0;
  const { worker } = startWorker(
    queues,
    processor(
      (_id, ctx) =>
        new Promise<void>((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => {
            abortedAfterStopMs = Date.now() - stopAt;
            reject(new Error("aborted"));
          }),
        ),
    ),
    // Stop window 2 s - 0.5 s margin = 1.5 s.
    { STOP_TIMEOUT_SECONDS: "2", MAX_DURATION_SECONDS: "60" },
  );
  await worker.start();
  await waitFor("received", () => worker.stats.received === 1, 3000);
  stopAt = Date.now();
  await worker.stop("test");

  expect(abortedAfterStopMs).toBeGreaterThanOrEqual(1400);
  expect(worker.stats).toMatchObject({ processed: 0, released: 1, failed: 0 });
  expect(await queues.main()).toMatchObject({ ready: 1, inflight: 0 });
});

// Its own CloudWatch stand-in (not the module mock): runs beside the others.
test.concurrent("stop ends within the stop timeout even when the last metric flush never gets an answer", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "flush-hangs" });
  await send(queues, ["a"]);
  const sqs = localSqsClient(fauxqs.endpoint);
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, RECEIVE_WAIT_SECONDS: "0", STOP_TIMEOUT_SECONDS: "2" });
  const warnings: string[] = [];
  const worker = new Worker(config, {
    sqs,
    cloudwatch: { send: () => new Promise(() => undefined) },
    log: { ...silentLog, warn: (m) => void warnings.push(m) },
    processor: processor(async () => undefined),
  });
  await worker.start();
  await waitFor("processed", () => worker.stats.processed === 1, 5000, () => worker.stats);
  const t0 = Date.now();
  await worker.stop("test");
  // ECS would SIGKILL at 2 s.
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(warnings).toContain("metric flush or protection off cut short by the stop timeout");
});

test("TASK_PROTECTION=false: no protection call even with ECS_AGENT_URI set", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "no-protection" });
  await send(queues, ["a", "b"]);
  const before = agent.protection.length;
  const { worker } = startWorker(queues, processor(async () => undefined), { ECS_AGENT_URI: agent.url, TASK_PROTECTION: "false" });
  await worker.start();
  await waitFor("processed", () => worker.stats.processed === 2, 3000, () => worker.stats);
  await worker.stop("test");

  expect(worker.protection.enabled).toBe(false);
  expect(worker.protection.calls).toBe(0);
  expect(agent.protection.length).toBe(before);
});

test("WORKER_PROCESSOR picks the processor; the default is sleep; an unknown name is refused with the known ones", () => {
  expect(DEFAULT_PROCESSOR).toBe("sleep");
  expect(processorFromEnv({})).toBe(PROCESSORS.sleep);
  expect(processorFromEnv({ WORKER_PROCESSOR: "sleep" })).toBe(PROCESSORS.sleep);
  expect(() => processorFromEnv({ WORKER_PROCESSOR: "nope" })).toThrow(
    `WORKER_PROCESSOR="nope" is invalid: expected one of ${Object.keys(PROCESSORS).join(", ")}`,
  );
});

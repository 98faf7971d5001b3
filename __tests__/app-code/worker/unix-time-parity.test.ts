/**
 * The awstut processor in the real worker against fauxqs: each UNIX time takes WORK_SECONDS, then its parity is
 * logged; a body that is no UNIX time reaches the dead-letter queue instead of looping (the source's defect).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";
import { Log } from "../../../app-code/worker/src/log";
import { processorFromEnv } from "../../../app-code/worker/src/processors";
import { createUnixTimeParityProcessor } from "../../../app-code/worker/src/processors/unix-time-parity";
import { Worker } from "../../../app-code/worker/src/worker";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, localSqsClient } from "../../../tools/local/queues";
import { waitFor } from "../wait";

let fauxqs: FauxqsProcess;
mockClient(CloudWatchClient);
beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(() => fauxqs.stop());

test("WORKER_PROCESSOR=unix-time-parity selects it; WORK_SECONDS is validated against MAX_DURATION_SECONDS", () => {
  expect(processorFromEnv({ WORKER_PROCESSOR: "unix-time-parity" })).toBe(createUnixTimeParityProcessor);
  const config = loadWorkerConfig({ QUEUE_URL: "q", MAX_DURATION_SECONDS: "90" });
  expect(createUnixTimeParityProcessor({ env: {}, config }).expectedSeconds?.({ time: 1 })).toBe(60);
  expect(() => createUnixTimeParityProcessor({ env: { WORK_SECONDS: "91" }, config })).toThrow('WORK_SECONDS="91" is invalid');
});

test("processes each time in WORK_SECONDS, logs even or odd after the work, dead-letters a body that is no time", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "parity", fifo: false, visibilityTimeoutSeconds: 5, maxReceiveCount: 2 });
  await queues.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queues.queueUrl,
      Entries: ["1733050000", "1733050001", "not a time"].map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );
  const lines: Array<{ message: string; extra: Record<string, unknown> }> = [];
  const record = (message: string, ...extra: Record<string, unknown>[]) => void lines.push({ message, extra: Object.assign({}, ...extra) });
  const log: Log = { debug() {}, info: record, warn: record, error: record };
  const env = { QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "3", RECEIVE_WAIT_SECONDS: "0", WORK_SECONDS: "0.3" };
  const config = loadWorkerConfig(env);
  const sqs = localSqsClient(fauxqs.endpoint);
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log, processor: createUnixTimeParityProcessor({ env, config }) });
  const started = Date.now();
  await worker.start();
  try {
    await waitFor("two processed, one dead-lettered", async () => worker.stats.processed === 2 && (await queues.dlq()).ready === 1, 8000, () => worker.stats);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(lines.filter((l) => / is (even|odd)\.$/.test(l.message)).map((l) => l.message).sort()).toEqual(["1733050000 is even.", "1733050001 is odd."]);
    expect((await queues.dlq()).bodies).toEqual(["not a time"]);
    expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0 });
  } finally {
    await worker.stop("test end");
  }
});

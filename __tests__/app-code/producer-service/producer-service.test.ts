/**
 * The producer service against a real SQS server (fauxqs on loopback), with a loopback proxy that fails calls as
 * scripted: it sends the UNIX time, waits its gap, survives failed calls and failed entries, and stops on its signal.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { ProducerServiceConfig } from "../../../app-code/producer-service/config";
import { ProducerLog, ProducerService } from "../../../app-code/producer-service/producer-service";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv } from "../../../tools/local/queues";
import { createSqsClient } from "../../../app-code/shared/sqs-client";
import { waitFor } from "../wait";
import { Failure, startFlakySqs } from "./flaky-sqs";

let fauxqs: FauxqsProcess;
beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(() => fauxqs.stop());

/** A client without the SDK's own retries, so each scripted failure reaches the service. */
function client(endpoint: string): SQSClient {
  const env = localAwsEnv(endpoint);
  return createSqsClient(env, { region: env.AWS_REGION, maxAttempts: 1, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}

function recordingLog(): ProducerLog & { lines: Array<{ level: string; message: string; extra: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; extra: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, ...extra: Record<string, unknown>[]) => void lines.push({ level, message, extra: Object.assign({}, ...extra) });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

const config = (queueUrl: string, over: Partial<ProducerServiceConfig> = {}): ProducerServiceConfig => ({
  queueUrl,
  gapMinSeconds: 0.01,
  gapMaxSeconds: 0.02,
  retryBaseMs: 5,
  retryMaxMs: 20,
  ...over,
});

test("sends the current UNIX time, one message per gap, until its signal aborts; then says it stopped", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "producer-steady", fifo: false });
  const log = recordingLog();
  const clock = [1_733_050_000_500, 1_733_050_001_999, 1_733_050_002_000];
  const service = new ProducerService(config(queues.queueUrl), { sqs: client(fauxqs.endpoint), log, now: () => clock.shift() ?? 1_733_050_009_000 });
  const stop = new AbortController();
  const running = service.run(stop.signal);
  await waitFor("three messages", () => service.stats.sent >= 3);
  stop.abort("SIGTERM");
  await running;
  const bodies = (await queues.main()).bodies;
  expect(bodies.slice(0, 3)).toEqual(["1733050000", "1733050001", "1733050002"]);
  expect(bodies.length).toBe(service.stats.sent);
  expect(service.stats.failedAttempts).toBe(0);
  expect(log.lines.at(-1)).toEqual({ level: "info", message: "producer stopped", extra: expect.objectContaining({ reason: "SIGTERM", sent: service.stats.sent }) });
});

test("a call that throws and an entry SQS reports in Failed are logged and retried with backoff; the message still arrives once", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "producer-flaky", fifo: false });
  const script: Failure[] = ["error", "failed-entry", "error"];
  const flaky = await startFlakySqs(fauxqs.endpoint, script);
  try {
    const log = recordingLog();
    const service = new ProducerService(config(queues.queueUrl), { sqs: client(flaky.endpoint), log, now: () => 1_733_050_000_000 });
    expect(await service.sendOne(new AbortController().signal)).toBe(true);
    expect(service.stats).toEqual({ sent: 1, failedAttempts: 3 });
    expect(flaky.sendCalls).toBe(4);
    expect((await queues.main()).bodies).toEqual(["1733050000"]);
    const warnings = log.lines.filter((l) => l.level === "warn");
    expect(warnings.map((w) => [w.message, w.extra.attempt])).toEqual([
      ["send failed; retrying", 1],
      ["send failed; retrying", 2],
      ["send failed; retrying", 3],
    ]);
    expect(warnings[0].extra.error).toMatch(/InternalError|scripted failure/);
    expect(warnings[1].extra).toMatchObject({ code: "InternalError", reason: "scripted entry failure", senderFault: false });
    expect(warnings.map((w) => w.extra.retryInMs as number).every((ms, i) => ms >= 2.5 * 2 ** i && ms <= 5 * 2 ** i)).toBe(true);
  } finally {
    await flaky.close();
  }
});

test("keeps retrying while SQS is down (capped backoff) and stops at once when its signal aborts, without a message", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "producer-down", fifo: false });
  const flaky = await startFlakySqs(fauxqs.endpoint, Array<Failure>(1000).fill("error"));
  try {
    const log = recordingLog();
    const service = new ProducerService(config(queues.queueUrl), { sqs: client(flaky.endpoint), log });
    const stop = new AbortController();
    const running = service.run(stop.signal);
    await waitFor("ten failed attempts", () => service.stats.failedAttempts >= 10);
    const delays = log.lines.filter((l) => l.level === "warn").map((l) => l.extra.retryInMs as number);
    expect(Math.max(...delays)).toBeLessThanOrEqual(20);
    stop.abort("SIGTERM");
    await running;
    expect(service.stats.sent).toBe(0);
    expect(log.lines.at(-1)?.message).toBe("producer stopped");
    expect((await queues.main()).bodies).toEqual([]);
  } finally {
    await flaky.close();
  }
});

test("on a FIFO queue a retry after a lost reply is dropped as a duplicate: one deduplication id for all attempts", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "producer-fifo" });
  const flaky = await startFlakySqs(fauxqs.endpoint, ["lost-reply", "lost-reply"]);
  try {
    const service = new ProducerService(config(queues.queueUrl), { sqs: client(flaky.endpoint), log: recordingLog(), now: () => 1_733_050_000_000 });
    expect(await service.sendOne(new AbortController().signal)).toBe(true);
    expect(flaky.sendCalls).toBe(3);
    expect((await queues.main()).bodies).toEqual(["1733050000"]);
  } finally {
    await flaky.close();
  }
});

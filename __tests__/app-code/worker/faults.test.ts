/**
 * The worker against network faults: fauxqs on loopback behind the fault proxy (tools/chaos/proxy.ts), so every
 * fault is a real socket that refuses, hangs or resets.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { healthCheckArgs } from "../../../app-code/shared/heartbeat";
import { clientTimeouts } from "../../../app-code/shared/sdk-timeouts";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";
import { Log } from "../../../app-code/worker/src/log";
import { Worker } from "../../../app-code/worker/src/worker";
import { FaultProxy, startFaultProxy } from "../../../tools/chaos/proxy";
import { startStandIns, StandIns } from "../../../tools/local/aws-stand-ins";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { CallCounter, createLocalQueues, LocalQueues, localSqsClient } from "../../../tools/local/queues";
import { waitFor } from "../wait";

let fauxqs: FauxqsProcess;
let agent: StandIns;
let proxy: FaultProxy;
const workers: Worker[] = [];
const dir = mkdtempSync(path.join(tmpdir(), "faults-"));
mockClient(CloudWatchClient);

beforeAll(async () => {
  [fauxqs, agent] = await Promise.all([startFauxqs(), startStandIns()]);
  proxy = await startFaultProxy(fauxqs.port);
});
afterAll(async () => {
  await proxy.setMode("pass");
  await Promise.all(workers.map((w) => w.stop("test end")));
  await Promise.all([fauxqs.stop(), agent.close(), proxy.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, ...extra: Record<string, unknown>[]) =>
    void lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const log: Log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { lines, log, messages: () => lines.filter((l) => l.level !== "debug").map((l) => l.message) };
}

/** A worker whose SQS traffic goes through the proxy, with the container's timeouts from its config. */
function startWorker(queues: LocalQueues, env: Record<string, string>, log: Log) {
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "2", RECEIVE_WAIT_SECONDS: "0", ...env });
  const sqs = localSqsClient(proxy.url, clientTimeouts(config.sqsRequestTimeoutSeconds * 1000));
  const receives = new CallCounter();
  receives.attach(sqs);
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log });
  workers.push(worker);
  return { worker, sqs, receives: () => receives.byOperation.get("ReceiveMessage") ?? 0 };
}

const send = (queues: LocalQueues, id: string) =>
  queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify({ id, duration: 0 }), MessageGroupId: id }));

test("an endpoint that accepts and never answers: the receive fails by its timeout, the worker resumes when it answers again", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "hang" });
  const { lines, log } = recordingLog();
  const { worker } = startWorker(queues, { SQS_REQUEST_TIMEOUT_SECONDS: "0.5" }, log);
  await worker.start();
  await send(queues, "before");
  await waitFor("first message processed", () => worker.stats.processed === 1, 3000, () => worker.stats);

  await proxy.setMode("hang");
  // Sent straight to fauxqs, not through the proxy: it waits there for the worker.
  await send(queues, "during");
  // Each attempt ends after 0.5 s; after the SDK's retries the receive fails and the backoff begins.
  await waitFor("a receive failed by timeout", () => worker.stats.receiveErrors > 0, 5000, () => lines);
  const failing = lines.find((l) => l.message === "SQS receive failing; retrying with backoff");
  expect(String(failing?.fields.error)).toMatch(/TimeoutError|timed out|timeout/i);
  expect(worker.stats.processed).toBe(1);

  await proxy.setMode("pass");
  await waitFor("resumed: the message sent during the hang is processed", () => worker.stats.processed === 2, 5000, () => ({ stats: worker.stats, lines }));
  await waitFor("recovery logged", () => lines.some((l) => l.message === "SQS receive recovered"), 2000);
  await worker.stop("test");
  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0 });
}, 15_000);

test("an endpoint that refuses connections: backoff (a few receives, not dozens), one line per state change, resumes when it returns", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "refuse" });
  const { lines, log, messages } = recordingLog();
  const { worker, receives } = startWorker(queues, {}, log);
  await worker.start();
  await send(queues, "before");
  await waitFor("first message processed", () => worker.stats.processed === 1, 3000, () => worker.stats);

  await proxy.setMode("refuse");
  const before = receives();
  await new Promise((r) => setTimeout(r, 3000));
  const duringOutage = receives() - before;
  await send(queues, "after");
  await proxy.setMode("pass");
  await waitFor("resumed", () => worker.stats.processed === 2, 4000, () => ({ stats: worker.stats, lines }));
  await worker.stop("test");

  // Without backoff sqs-consumer polls again at once: dozens of receives in 3 s. With it, at most a couple a second
  // (delays up to 2 s; each receive makes the SDK's 3 attempts).
  expect(duringOutage).toBeGreaterThan(0);
  expect(duringOutage).toBeLessThanOrEqual(12);
  const stateLines = messages().filter((m) => m.startsWith("SQS"));
  expect(stateLines).toEqual(["SQS receive failing; retrying with backoff", "SQS receive recovered"]);
  const recovered = lines.find((l) => l.message === "SQS receive recovered")!;
  expect(recovered.fields.errors).toEqual({ ECONNREFUSED: worker.stats.receiveErrors });
}, 15_000);

test("a receive that never settles (beyond any timeout): the heartbeat ages, the health check fails, protection is dropped", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "stall" });
  const { lines, log } = recordingLog();
  const file = path.join(dir, "stall-heartbeat.json");
  const { worker, sqs } = startWorker(
    queues,
    // The smallest bound for a 0.5 s request timeout: 0.5 + 3 s.
    { ECS_AGENT_URI: agent.url, SQS_REQUEST_TIMEOUT_SECONDS: "0.5", HEARTBEAT_MAX_AGE_SECONDS: "3.5", HEARTBEAT_FILE: file, STOP_TIMEOUT_SECONDS: "1" },
    log,
  );
  const health = () => {
    const [, ...args] = healthCheckArgs(file);
    return spawnSync(process.execPath, args, { encoding: "utf8" });
  };
  // Once a receive has returned a message, every later receive hangs above the HTTP layer, where no request
  // timeout reaches: a bug, not a fault. Protection, on for that batch, stays on (no empty receive turns it off).
  let gotMessage = false;
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "ReceiveMessageCommand") return next(args);
      if (gotMessage) return new Promise<never>(() => undefined);
      const result = await next(args);
      gotMessage = ((result.output as { Messages?: unknown[] }).Messages ?? []).length > 0;
      return result;
    },
    { step: "initialize", name: "hangReceives" },
  );
  await worker.start();
  await waitFor("healthy after start", () => health().status === 0, 2000);
  await send(queues, "held");
  await waitFor("processed with protection on", () => worker.stats.processed === 1 && agent.protection.at(-1) === true, 3000, () => worker.stats);
  const protectionCalls = agent.protection.length;
  await waitFor("stall detected", () => worker.liveness.isStalled, 6000, () => lines);
  await waitFor("protection dropped", () => agent.protection.length === protectionCalls + 1, 2000, () => agent.protection);
  expect(agent.protection.at(-1)).toBe(false);
  const check = health();
  expect(check.status).toBe(1);
  expect(check.stderr).toMatch(/^worker poll loop stalled: last call \d+\.\d s ago, allowed 3\.5 s/);
  expect(lines.filter((l) => l.message.startsWith("poll loop stalled"))).toHaveLength(1);
  await worker.stop("test");
  // The stand-in for other consumers still sees the queue: nothing was held back.
  expect((await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
}, 15_000);

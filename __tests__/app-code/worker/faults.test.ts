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
const proxies: FaultProxy[] = [];
const workers: Worker[] = [];
const dir = mkdtempSync(path.join(tmpdir(), "faults-"));
mockClient(CloudWatchClient);

beforeAll(async () => {
  [fauxqs, agent] = await Promise.all([startFauxqs(), startStandIns()]);
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.setMode("pass")));
  await Promise.all(workers.map((w) => w.stop("test end")));
  await Promise.all([fauxqs.stop(), agent.close(), ...proxies.map((p) => p.close())]);
  rmSync(dir, { recursive: true, force: true });
});

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, ...extra: Record<string, unknown>[]) =>
    void lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const log: Log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { lines, log, messages: () => lines.filter((l) => l.level !== "debug").map((l) => l.message) };
}

/** A worker whose SQS traffic goes through a proxy of its own, with the container's timeouts from its config. */
async function startWorker(queues: LocalQueues, env: Record<string, string>, log: Log) {
  const proxy = await startFaultProxy(fauxqs.port);
  proxies.push(proxy);
  const config = loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "2", RECEIVE_WAIT_SECONDS: "0", ...env });
  const sqs = localSqsClient(proxy.url, clientTimeouts(config.sqsRequestTimeoutSeconds * 1000));
  const receives = new CallCounter();
  receives.attach(sqs);
  const worker = new Worker(config, { sqs, cloudwatch: new CloudWatchClient({ region: "us-east-1" }), log });
  workers.push(worker);
  return { worker, sqs, proxy, receives: () => receives.byOperation.get("ReceiveMessage") ?? 0 };
}

const send = (queues: LocalQueues, id: string) =>
  queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify({ id, duration: 0 }), MessageGroupId: id }));

// Independent (own queue, own proxy): run side by side to keep the suite short.
test.concurrent("an endpoint that accepts and never answers: the receive fails by its timeout, the worker resumes when it answers again", async () => {
  // Visibility 2 s: on a loaded machine a 0.5 s timeout can also cut off a receive whose messages the server had
  // already handed out; they must come back soon.
  const queues = await createLocalQueues(fauxqs, { name: "hang", visibilityTimeoutSeconds: 2 });
  const { lines, log } = recordingLog();
  const { worker, proxy } = await startWorker(queues, { SQS_REQUEST_TIMEOUT_SECONDS: "0.5" }, log);
  await worker.start();
  await send(queues, "before");
  await waitFor("first message processed", () => worker.stats.processed === 1, 8000, () => worker.stats);

  await proxy.setMode("hang");
  // Sent straight to fauxqs, not through the proxy: it waits there for the worker.
  await send(queues, "during");
  // Each attempt ends after 0.5 s; after the SDK's retries the receive fails and the backoff begins.
  await waitFor("a receive failed by timeout", () => worker.stats.receiveErrors > 0, 8000, () => lines);
  const failing = lines.find((l) => l.message === "SQS receive failing; retrying with backoff");
  expect(String(failing?.fields.error)).toMatch(/TimeoutError|timed out|timeout/i);
  expect(worker.stats.processed).toBe(1);

  await proxy.setMode("pass");
  await waitFor("resumed: the message sent during the hang is processed", () => worker.stats.processed === 2, 8000, () => ({ stats: worker.stats, lines }));
  await waitFor("recovery logged", () => lines.some((l) => l.message === "SQS receive recovered"), 5000);
  await worker.stop("test");
  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0 });
});

test.concurrent("an endpoint that refuses connections: backoff (a few receives, not dozens), one line per state change, resumes when it returns", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "refuse" });
  const { lines, log, messages } = recordingLog();
  const { worker, proxy, receives } = await startWorker(queues, {}, log);
  await worker.start();
  await send(queues, "before");
  await waitFor("first message processed", () => worker.stats.processed === 1, 8000, () => worker.stats);

  await proxy.setMode("refuse");
  const before = receives();
  await new Promise((r) => setTimeout(r, 2500));
  const duringOutage = receives() - before;
  await send(queues, "after");
  await proxy.setMode("pass");
  await waitFor("resumed", () => worker.stats.processed === 2, 8000, () => ({ stats: worker.stats, lines }));
  await worker.stop("test");

  // Without backoff sqs-consumer polls again at once: dozens of receives in 2.5 s (70 in 3 s, measured). With it, at most a couple a second
  // (delays up to 2 s; each receive makes the SDK's 3 attempts).
  expect(duringOutage).toBeGreaterThan(0);
  expect(duringOutage).toBeLessThanOrEqual(10);
  const stateLines = messages().filter((m) => m.startsWith("SQS"));
  expect(stateLines).toEqual(["SQS receive failing; retrying with backoff", "SQS receive recovered"]);
  const recovered = lines.find((l) => l.message === "SQS receive recovered")!;
  expect(recovered.fields.errors).toEqual({ ECONNREFUSED: worker.stats.receiveErrors });
});

test.concurrent("a receive that never settles (beyond any timeout): the heartbeat ages, the health check fails, protection is dropped", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "stall", visibilityTimeoutSeconds: 2 });
  const { lines, log } = recordingLog();
  const file = path.join(dir, "stall-heartbeat.json");
  const { worker, sqs } = await startWorker(
    queues,
    // The smallest bound for a 1 s request timeout: 1 + 3 s.
    { ECS_AGENT_URI: agent.url, SQS_REQUEST_TIMEOUT_SECONDS: "1", HEARTBEAT_MAX_AGE_SECONDS: "4", HEARTBEAT_FILE: file, STOP_TIMEOUT_SECONDS: "1" },
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
  // Generous waits: each returns as soon as its condition holds, and a loaded machine is slow to spawn the check.
  await waitFor("healthy after start", () => health().status === 0, 8000);
  await send(queues, "held");
  await waitFor("processed with protection on", () => worker.stats.processed === 1 && agent.protection.at(-1) === true, 8000, () => worker.stats);
  const protectionCalls = agent.protection.length;
  await waitFor("stall detected", () => worker.liveness.isStalled, 10_000, () => lines);
  await waitFor("protection dropped", () => agent.protection.length === protectionCalls + 1, 8000, () => agent.protection);
  expect(agent.protection.at(-1)).toBe(false);
  const check = health();
  expect(check.status).toBe(1);
  expect(check.stderr).toMatch(/^worker poll loop stalled: last call \d+\.\d s ago, allowed 4 s/);
  expect(lines.filter((l) => l.message.startsWith("poll loop stalled"))).toHaveLength(1);
  await worker.stop("test");
  // The stand-in for other consumers still sees the queue: nothing was held back.
  expect((await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toEqual([]);
});

test.concurrent("a DeleteMessageBatch refused as a whole is retried while the message is still hidden: processed once, deleted once", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "delete-retry", visibilityTimeoutSeconds: 10 });
  const { lines, log } = recordingLog();
  const { worker, proxy } = await startWorker(queues, {}, log);
  await worker.start();
  await queues.sqs.send(
    new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify({ id: "slow", duration: 0.6 }), MessageGroupId: "g" }),
  );
  await waitFor("received", () => worker.stats.received === 1, 8000, () => worker.stats);
  // Refused while the work runs, so the delete at its end meets the outage; back 1.5 s later.
  await proxy.setMode("refuse");
  await new Promise((r) => setTimeout(r, 1500));
  await proxy.setMode("pass");
  await waitFor("deleted", () => worker.stats.processed === 1, 8000, () => ({ stats: worker.stats, lines }));
  await worker.stop("test");

  expect(worker.stats).toMatchObject({ received: 1, processed: 1, deleteFailures: 0 });
  expect(lines.filter((l) => l.message.startsWith("delete failed") && l.level !== "debug")).toEqual([]);
  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0 });
});

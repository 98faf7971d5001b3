/**
 * The worker's container entry point as a real process against fauxqs, with the ECS agent and CloudWatch
 * stood in by a local HTTP server: SIGTERM in the middle of work loses no message.
 */
import { ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { loadWorkerConfig } from "../../../app-code/worker/src/config";
import { silentLog } from "../../../app-code/worker/src/log";
import { Worker } from "../../../app-code/worker/src/worker";
import { startStandIns, StandIns } from "../../../tools/local/aws-stand-ins";
import { bundleWorker } from "../../../tools/local/bundle-worker";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv, localSqsClient } from "../../../tools/local/queues";
import { waitFor } from "../wait";

const tmp = mkdtempSync(path.join(tmpdir(), "worker-bundle-"));
let bundle: string;
let fauxqs: FauxqsProcess;
let standIns: StandIns;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // The esbuild bundle the image runs (same flags as the Dockerfile), not the TypeScript source.
  [fauxqs, standIns, bundle] = await Promise.all([startFauxqs(), startStandIns(), bundleWorker(path.join(tmp, "main.js"))]);
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await Promise.all([fauxqs.stop(), standIns.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

test("SIGTERM mid-message: the message that fits finishes, the one that does not is released at once; restart processes the rest", async () => {
  // Visibility 30 s: a message the worker failed to release would stay hidden far beyond this test.
  const queues = await createLocalQueues(fauxqs, { name: "sigterm", visibilityTimeoutSeconds: 30 });
  const bodies = [
    { id: "short", duration: 0.3 }, // ends within the stop window (1 s stop timeout - 0.25 s margin)
    { id: "long", duration: 1.5 }, // cannot (if SIGTERM comes < 0.75 s after receipt): released, not lost
    { id: "later-1", duration: 0.05 },
    { id: "later-2", duration: 0.05 },
  ];
  await queues.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queues.queueUrl,
      Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: JSON.stringify(b), MessageGroupId: b.id })),
    }),
  );

  let stdout = "";
  child = spawn(process.execPath, ["--no-warnings", "--enable-source-maps", bundle], {
    cwd: tmp,
    env: {
      PATH: process.env.PATH,
      ...localAwsEnv(fauxqs.endpoint),
      AWS_ENDPOINT_URL_CLOUDWATCH: standIns.url,
      ECS_AGENT_URI: standIns.url,
      QUEUE_URL: queues.queueUrl,
      WORKER_CONCURRENCY: "2",
      STOP_TIMEOUT_SECONDS: "1",
      RECEIVE_WAIT_SECONDS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = once(child, "exit");

  // Two slots: exactly the first two messages are held, the others stay visible (no prefetch).
  await waitFor("two messages in flight, task protected", async () => (await queues.main()).inflight === 2 && standIns.protection.length === 1, 8000, () => stdout);
  expect(standIns.protection).toEqual([true]);
  expect((await queues.main()).ready).toBe(2);
  child.kill("SIGTERM");
  const [code] = await exited;
  expect(code).toBe(0);

  const afterStop = await queues.main();
  const left = afterStop.bodies.map((b) => JSON.parse(b).id).sort();
  expect(left).toEqual(["later-1", "later-2", "long"]);
  expect(afterStop).toMatchObject({ ready: 3, inflight: 0 });
  expect(standIns.protection).toEqual([true, false]);
  // The finished message's duration was flushed at shutdown.
  expect(standIns.metricSamples()).toBe(1);
  const stopped = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.message === "worker stopped");
  expect(stopped).toMatchObject({ processed: 1, released: 1, deleteFailures: 0 });

  // Restart: the released message and the rest are processed.
  const worker = new Worker(
    // Short polls, so the final stop() need not wait out a long poll.
    loadWorkerConfig({ QUEUE_URL: queues.queueUrl, WORKER_CONCURRENCY: "4", RECEIVE_WAIT_SECONDS: "0" }),
    { sqs: localSqsClient(fauxqs.endpoint), cloudwatch: new CloudWatchClient({ region: "us-east-1", endpoint: standIns.url }), log: silentLog },
  );
  await worker.start();
  try {
    await waitFor("the rest processed", () => worker.stats.processed === 3, 5000, () => worker.stats);
  } finally {
    await worker.stop("test");
  }
  expect(await queues.main()).toMatchObject({ ready: 0, inflight: 0, delayed: 0 });
  expect(await queues.dlq()).toMatchObject({ ready: 0 });
}, 20_000);

// Runs beside the test above: its own server and process, nothing shared.
test.concurrent("SIGTERM while the worker is still starting (its first call unanswered) exits 0 at once", async () => {
  // Accepts connections and never answers: start() waits on GetQueueAttributes.
  let called = false;
  const silent = createServer((s) => {
    called = true;
    s.resume();
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const starting = spawn(process.execPath, ["--no-warnings", bundle], {
    cwd: tmp,
    env: { PATH: process.env.PATH, ...localAwsEnv(endpoint), QUEUE_URL: `${endpoint}/000000000000/q.fifo` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  starting.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  try {
    // Loaded and waiting on the unanswered call (the request timeout is 30 s).
    await waitFor("the worker's first call", () => called, 8000, () => stdout);
    expect(starting.exitCode).toBeNull();
    const exited = once(starting, "exit");
    const t0 = Date.now();
    starting.kill("SIGTERM");
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(stdout).not.toContain("worker started");
  } finally {
    if (starting.exitCode === null) starting.kill("SIGKILL");
    silent.close();
  }
});

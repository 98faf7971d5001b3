/**
 * `npm run bench:worker`: figures for the worker and the producer against fauxqs on loopback.
 *
 *  1. Producer Lambda handler: 10,000 messages in one run; time, SendMessageBatch calls, all arrived with
 *     10,000 distinct deduplication ids.
 *  2. Worker throughput with duration 0 (pure messaging overhead) at concurrency 1 and 10, and the AWS calls per
 *     message (SQS + PutMetricData + task protection), against the budget of 0.3 per message at steady load.
 *
 * fauxqs is a single Node.js process on this machine, so absolute rates are a floor for the code, not a
 * prediction for SQS in AWS (higher latency per call, more parallelism).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { handler as producer, logger as producerLogger } from "../app-code/message-producer/index";
import { createLocalQueues, localAwsEnv } from "./local/queues";
import { createLocalWorker, LocalEnvironment, startLocalEnvironment } from "./local/run";

const CALL_BUDGET_PER_MESSAGE = 0.3;
/** A run that has not processed every message by then reports the shortfall instead of waiting for ever. */
const RUN_TIMEOUT_MS = 120_000;

async function produce(env: LocalEnvironment, count: number): Promise<{ seconds: number; calls: number; sent: number }> {
  Object.assign(process.env, localAwsEnv(env.fauxqs.endpoint), {
    QUEUE_URL: env.queues.queueUrl,
    DURATION_MIN_SECONDS: "0",
    DURATION_MAX_SECONDS: "0",
    MESSAGE_GROUP_COUNT: "10",
  });
  const t0 = performance.now();
  const result = await producer({ count });
  if (result.failed > 0) throw new Error(`producer failed to send ${result.failed} messages`);
  return { seconds: (performance.now() - t0) / 1000, calls: result.calls, sent: result.sent };
}

// One server for all runs (the producer handler keeps its SQS client across invocations, as in Lambda),
// a fresh pair of queues per run.
async function withQueues<T>(base: LocalEnvironment, name: string, run: (env: LocalEnvironment) => Promise<T>): Promise<T> {
  const queues = await createLocalQueues(base.fauxqs, { name, visibilityTimeoutSeconds: 10, maxReceiveCount: 3 });
  return run({ ...base, queues });
}

async function benchProducer(base: LocalEnvironment): Promise<boolean> {
  return withQueues(base, "bench-producer", async (env) => {
    const n = 10_000;
    const p = await produce(env, n);
    const snapshot = await env.queues.main();
    const ids = new Set(snapshot.bodies.map((b) => (JSON.parse(b) as { id: string }).id));
    const allArrived = snapshot.ready === n && ids.size === n;
    console.log(`producer  ${n} messages: ${p.seconds.toFixed(2)} s (${Math.round(n / p.seconds)} msg/s), ` +
      `${p.calls} SendMessageBatch calls; arrived ${snapshot.ready}, distinct ids ${ids.size}` +
      (allArrived ? "  OK" : "  LOST MESSAGES"));
    return allArrived;
  });
}

async function benchWorker(base: LocalEnvironment, concurrency: number, n: number): Promise<boolean> {
  return withQueues(base, `bench-c${concurrency}`, async (env) => {
    await produce(env, n);
    const local = createLocalWorker(env, { WORKER_CONCURRENCY: String(concurrency), RECEIVE_WAIT_SECONDS: "1" });
    const t0 = performance.now();
    await local.worker.start();
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (local.worker.stats.processed < n && Date.now() < deadline) await sleep(5);
    const seconds = (performance.now() - t0) / 1000;
    await local.worker.stop("bench done");
    if (local.worker.stats.processed < n) {
      console.log(`worker    concurrency ${concurrency}: TIMEOUT, processed ${local.worker.stats.processed} of ${n} in ${seconds.toFixed(0)} s`);
      return false;
    }
    const left = await env.queues.main();
    const perMessage = local.totalCalls() / n;
    const ops = [...local.sqsCalls.byOperation].map(([k, v]) => `${k} ${v}`).join(", ");
    const withinBudget = perMessage <= CALL_BUDGET_PER_MESSAGE;
    console.log(`worker    concurrency ${String(concurrency).padStart(2)}: ${n} messages in ${seconds.toFixed(2)} s = ` +
      `${Math.round(n / seconds)} msg/s; ${perMessage.toFixed(3)} AWS calls/message ` +
      `(${ops}, PutMetricData ${local.worker.metrics.calls}, task protection ${local.worker.protection.calls}); ` +
      `left ${left.ready + left.inflight}; budget ${CALL_BUDGET_PER_MESSAGE}: ` +
      (withinBudget ? "within" : `over (a batch of ${concurrency} needs its own receive and delete; the worker does not prefetch)`));
    return left.ready + left.inflight === 0;
  });
}

async function main(): Promise<void> {
  producerLogger.setLogLevel("WARN");
  console.log(`node ${process.version}, fauxqs on loopback, message duration 0 s\n`);
  const base = await startLocalEnvironment("bench");
  try {
    const ok = [await benchProducer(base), await benchWorker(base, 1, 1000), await benchWorker(base, 10, 10_000)];
    if (ok.includes(false)) process.exitCode = 1;
  } finally {
    await base.close();
  }
}

void main();

/**
 * `npm run local -- --stack sqs-queue-depth-tracking [--seconds 20 --workers 2 --scale 0.01 --timeout 60]`
 *
 * The awstut pattern on this machine, no AWS account: fauxqs (SQS) on loopback with the stack's standard queue and
 * DLQ, the producer service (app-code/producer-service, the same class as in its container) sending the UNIX time
 * every 10-60 s, and `--workers` worker tasks (app-code/worker with the unix-time-parity processor, as the task
 * definition starts them) taking 60 s a message, with stand-ins for CloudWatch and the ECS agent. Every duration
 * of the stack's settings (work, gaps, visibility) is multiplied by `--scale` (0.01: a minute lasts 0.6 s). One
 * message that is no UNIX time is sent too: it must reach the DLQ. After `--seconds` the producer is stopped
 * (as by SIGTERM), the workers finish the backlog and are stopped; then the summary. Exit code 0 when every message
 * the producer sent was processed exactly once, the poison message is in the DLQ and the queue is empty.
 *
 * The autoscaling itself is not run here: each line shows what the stack's target-tracking policy would propose
 * (`ceil(tasks × visible ÷ target)`, within min..max) for the depth seen, to show how the raw queue depth moves.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import { ProducerService } from "../../app-code/producer-service/producer-service";
import { Log } from "../../app-code/worker/src/log";
import { queueDepthTrackingModel } from "../../src/scaling/queue-depth-tracking";
import { loadSettings, settingsSourceFromEnv } from "../../src/settings";
import { numberOptions } from "./local-options";
import { localSqsClient } from "./queues";
import { createLocalWorker, LocalWorker, startLocalEnvironment } from "./run";

export const POISON_BODY = "not a UNIX time";

export interface ParityRecord {
  /** messageId -> times its parity line was logged. */
  readonly lines: Map<string, number>;
  even: number;
  odd: number;
}

/** A worker log that counts the processor's "<time> is even." lines by message id and drops the rest. */
export function parityLog(record: ParityRecord): Log {
  const line = (message: string, ...extra: Record<string, unknown>[]) => {
    const m = / is (even|odd)\.$/.exec(message);
    if (!m) return;
    const { messageId } = Object.assign({}, ...extra) as { messageId?: string };
    record.lines.set(String(messageId), (record.lines.get(String(messageId)) ?? 0) + 1);
    record[m[1] as "even" | "odd"]++;
  };
  return { debug() {}, info: line, warn() {}, error() {} };
}

export async function runQueueDepthTrackingLocally(argv: string[]): Promise<number> {
  const o = numberOptions(argv, {
    seconds: { default: 20, min: 0.1, max: 3600, doc: "how long the producer runs" },
    workers: { default: 2, min: 1, max: 10, integer: true, doc: "worker tasks" },
    scale: { default: 0.01, min: 0.001, max: 1, doc: "factor on every duration of the settings" },
    timeout: { default: 60, min: 1, max: 3600, doc: "longest wait for the backlog after the producer stops" },
  });
  const settings = loadSettings(settingsSourceFromEnv(process.env)).stacks["sqs-queue-depth-tracking"];
  const model = queueDepthTrackingModel(settings);
  const scaled = (seconds: number) => seconds * o.scale;
  const started = Date.now();
  const env = await startLocalEnvironment(`${settings.name}-queue`, Math.max(2, Math.ceil(scaled(model.worker.visibilityTimeoutSeconds))), {
    fifo: false,
    maxReceiveCount: model.worker.maxReceiveCount,
  });
  const { queues } = env;
  const record: ParityRecord = { lines: new Map(), even: 0, odd: 0 };
  const workers: LocalWorker[] = [];
  try {
    console.log(
      `fauxqs on ${env.fauxqs.endpoint}; queue ${queues.queueName}, DLQ ${queues.dlqName} (max receive count ${model.worker.maxReceiveCount}); ` +
        `durations × ${o.scale}: ${model.worker.workSeconds} s of work = ${scaled(model.worker.workSeconds).toFixed(2)} s, ` +
        `gaps ${model.producer?.gapMinSeconds ?? settings.producerGapMinSeconds}-${model.producer?.gapMaxSeconds ?? settings.producerGapMaxSeconds} s = ` +
        `${scaled(settings.producerGapMinSeconds).toFixed(2)}-${scaled(settings.producerGapMaxSeconds).toFixed(2)} s`,
    );
    for (let i = 0; i < o.workers; i++) {
      const local = createLocalWorker(
        env,
        {
          WORKER_PROCESSOR: "unix-time-parity",
          WORK_SECONDS: String(scaled(model.worker.workSeconds)),
          MAX_DURATION_SECONDS: String(scaled(model.worker.workSeconds) + 30),
          WORKER_CONCURRENCY: String(model.worker.concurrency),
          RECEIVE_WAIT_SECONDS: "1",
          METRIC_FLUSH_SECONDS: "5",
          STOP_TIMEOUT_SECONDS: "10",
        },
        parityLog(record),
        true,
      );
      await local.worker.start();
      workers.push(local);
    }
    await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: POISON_BODY }));

    const producerLog = { info() {}, warn: (m: string, ...x: Record<string, unknown>[]) => console.log(`producer: ${m} ${JSON.stringify(Object.assign({}, ...x))}`), error: console.error };
    const producer = new ProducerService(
      { queueUrl: queues.queueUrl, gapMinSeconds: scaled(settings.producerGapMinSeconds), gapMaxSeconds: scaled(settings.producerGapMaxSeconds), retryBaseMs: 100, retryMaxMs: 2000 },
      { sqs: localSqsClient(env.fauxqs.endpoint), log: producerLog },
    );
    const stopProducer = new AbortController();
    const producing = producer.run(stopProducer.signal);

    const processed = () => workers.reduce((n, w) => n + w.worker.stats.processed, 0);
    const report = async (phase: string) => {
      const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
      const { targetValue } = model.policy;
      const proposal = Math.min(model.maxCapacity, Math.max(model.minCapacity, Math.ceil((o.workers * main.ready) / targetValue)));
      console.log(
        `${phase} ${((Date.now() - started) / 1000).toFixed(1)}s | sent ${producer.stats.sent} | processed ${processed()} (even ${record.even}, odd ${record.odd}) | ` +
          `visible ${main.ready} (target ${targetValue}: tracking would want ${proposal} task(s)) | in flight ${main.inflight} | DLQ ${dlq.ready}`,
      );
      return { main, dlq };
    };
    const producerEnd = Date.now() + o.seconds * 1000;
    while (Date.now() < producerEnd) {
      await sleep(Math.min(1000, producerEnd - Date.now()));
      await report("producing");
    }
    stopProducer.abort("SIGTERM");
    await producing;

    const drainEnd = Date.now() + o.timeout * 1000;
    let drained = false;
    while (!drained && Date.now() < drainEnd) {
      await sleep(500);
      const { main, dlq } = await report("draining ");
      drained = main.ready + main.inflight === 0 && processed() >= producer.stats.sent && dlq.ready >= 1;
    }
    await Promise.all(workers.map((w) => w.worker.stop(drained ? "backlog done" : "timeout")));

    const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
    const twice = [...record.lines.values()].filter((n) => n > 1).length;
    const ok =
      processed() === producer.stats.sent && record.lines.size === producer.stats.sent && twice === 0 && dlq.bodies.length === 1 && dlq.bodies[0] === POISON_BODY && main.ready + main.inflight === 0;
    console.log("\nsummary");
    console.log(`  producer      sent ${producer.stats.sent} UNIX times (${producer.stats.failedAttempts} failed attempts, retried)`);
    console.log(`  workers       ${o.workers}; processed ${processed()} (${record.even} even, ${record.odd} odd); processed twice: ${twice}`);
    console.log(`  poison        ${dlq.ready} in the DLQ (${dlq.bodies.map((b) => JSON.stringify(b)).join(", ") || "none"})`);
    console.log(`  left in queue ${main.ready + main.inflight}`);
    console.log(`  protection    ${env.standIns.protection.filter(Boolean).length} on / ${env.standIns.protection.filter((p) => !p).length} off (ECS agent stand-in)`);
    console.log(`  time          ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(ok ? "OK: every message sent was processed once, the poison message is in the DLQ, nothing left" : "FAILED: see the counts above");
    return ok ? 0 : 1;
  } finally {
    await Promise.all(workers.map((w) => w.worker.stop("end of run")));
    await env.close();
  }
}

/**
 * `npm run local [-- --messages 200 --concurrency 5 --min 0.05 --max 0.3 --poison 2]`
 *
 * The whole message path on this machine, no AWS account and no Docker: starts fauxqs (SQS) on loopback, creates
 * the FIFO queue and its DLQ, runs the producer Lambda handler, runs the worker against the queue (with local
 * stand-ins for CloudWatch and the ECS agent), runs the task definition's container health check against the
 * worker's heartbeat every 2 s, shows progress and stops by itself with a summary.
 * Exit code 0 when every valid message was processed, every poison message reached the DLQ and every health
 * check passed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { Logger } from "@aws-lambda-powertools/logger";
import { handler as producer, logger as producerLogger } from "../app-code/message-producer/index";
import { MAX_MESSAGES_PER_RUN } from "../app-code/message-producer/producer";
import { localAwsEnv } from "./local/queues";
import { createLocalWorker, runHealthCheck, startLocalEnvironment } from "./local/run";
import { localStackRun } from "./local/stacks";

// `--stack <name>`: another stack's local run (tools/local/stacks.ts); the options below are the blueprint's.
const stackRun = localStackRun(process.argv.slice(2));
const { values: args } = parseArgs({
  args: stackRun.run ? [] : stackRun.rest,
  options: {
    messages: { type: "string", default: "200" },
    concurrency: { type: "string", default: "5" },
    min: { type: "string", default: "0.05" },
    max: { type: "string", default: "0.3" },
    poison: { type: "string", default: "2" },
    timeout: { type: "string", default: "120" },
  },
});

function intOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name}=${raw} is invalid: expected an integer from ${min} up to ${max}`);
  }
  return n;
}

async function main(): Promise<number> {
  const messages = intOption("messages", args.messages!, 1, MAX_MESSAGES_PER_RUN);
  // The poison messages go out in one SendMessageBatch call.
  const poison = intOption("poison", args.poison!, 0, 10);
  const timeoutSeconds = intOption("timeout", args.timeout!, 1, 3600);
  const started = Date.now();
  const env = await startLocalEnvironment("local-demo");
  const { queues } = env;
  const scratch = mkdtempSync(path.join(tmpdir(), "local-worker-"));
  const heartbeatFile = path.join(scratch, "worker-heartbeat.json");
  try {
    console.log(`fauxqs on ${env.fauxqs.endpoint}; queue ${queues.queueName}, DLQ ${queues.dlqName} (max receive count 3)`);

    // The producer Lambda handler, configured through its environment as in AWS.
    Object.assign(process.env, localAwsEnv(env.fauxqs.endpoint), {
      QUEUE_URL: queues.queueUrl,
      DURATION_MIN_SECONDS: args.min,
      DURATION_MAX_SECONDS: args.max,
      MESSAGE_GROUP_COUNT: "10",
    });
    producerLogger.setLogLevel("WARN");
    const sent = await producer({ count: messages });
    console.log(`producer: sent ${sent.sent}/${sent.requested} in ${sent.calls} SendMessageBatch calls (${sent.failed} failed)`);
    if (poison > 0) {
      const bodies = ["not json", '{"id":"p","duration":-1}', '{"id":"p","duration":"soon"}'];
      await queues.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.queueUrl,
          Entries: Array.from({ length: poison }, (_, i) => ({
            Id: String(i),
            MessageBody: bodies[i % bodies.length] + " ".repeat(i),
            MessageGroupId: `poison-${i}`,
          })),
        }),
      );
      console.log(`sent ${poison} poison message(s): they must end in the DLQ`);
    }

    const local = createLocalWorker(
      env,
      {
        WORKER_CONCURRENCY: args.concurrency!,
        RECEIVE_WAIT_SECONDS: "1",
        METRIC_FLUSH_SECONDS: "5",
        STOP_TIMEOUT_SECONDS: "10",
        HEARTBEAT_FILE: heartbeatFile,
      },
      new Logger({ serviceName: "queue-worker", logLevel: "ERROR" }),
    );
    const { worker } = local;
    await worker.start();

    const deadline = Date.now() + timeoutSeconds * 1000;
    const health = { passed: 0, failed: [] as string[], last: "not run yet" };
    let nextHealthCheck = 0;
    let done = false;
    while (!done && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      if (Date.now() >= nextHealthCheck) {
        nextHealthCheck = Date.now() + 2000;
        const check = await runHealthCheck(heartbeatFile);
        if (check.ok) health.passed++;
        else health.failed.push(check.detail);
        health.last = check.ok ? "ok" : "FAILING";
      }
      const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
      done = worker.stats.processed >= sent.sent && dlq.ready >= poison;
      console.log(
        `sent ${sent.sent + poison} | processed ${worker.stats.processed} | in flight ${main.inflight} | ` +
          `waiting ${main.ready} | in DLQ ${dlq.ready} | protected ${worker.protection.isProtected ? "yes" : "no"} | health ${health.last}`,
      );
    }
    await worker.stop(done ? "all messages handled" : "timeout");
    const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
    const seconds = (Date.now() - started) / 1000;
    const ok =
      worker.stats.processed === sent.sent && dlq.ready === poison && main.ready + main.inflight === 0 && health.failed.length === 0;
    console.log("\nsummary");
    console.log(`  processed     ${worker.stats.processed} of ${sent.sent} valid messages`);
    console.log(`  in DLQ        ${dlq.ready} of ${poison} poison messages (rejected ${worker.stats.invalid} times)`);
    console.log(`  left in queue ${main.ready + main.inflight}`);
    console.log(`  worker calls  ${local.totalCalls()} (${[...local.sqsCalls.byOperation].map(([k, v]) => `${k} ${v}`).join(", ")}, ` +
      `PutMetricData ${worker.metrics.calls}, task protection ${worker.protection.calls})`);
    console.log(`  metric        ${env.standIns.metricSamples()} durations sent in ${env.standIns.putMetricData.length} PutMetricData call(s)`);
    console.log(`  protection    ${env.standIns.protection.map((p) => (p ? "on" : "off")).join(" -> ") || "never switched"}`);
    console.log(`  health check  ${health.passed} passed, ${health.failed.length} failed${health.failed.length ? ` (${health.failed[0]})` : ""}`);
    console.log(`  time          ${seconds.toFixed(1)} s`);
    console.log(ok ? "OK: every message processed, poison in the DLQ, nothing lost, healthy throughout" : "FAILED: see the counts above");
    return ok ? 0 : 1;
  } finally {
    await env.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

(stackRun.run ? stackRun.run() : main()).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

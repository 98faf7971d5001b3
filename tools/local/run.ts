/**
 * The pieces `npm run local` and `npm run bench:worker` share: a local SQS server with the work queue and DLQ,
 * stand-ins for the ECS agent and CloudWatch, and a worker wired to them exactly as in the container (same
 * Worker class and config loader), with every call it makes counted.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { execFile } from "node:child_process";
import { healthCheckArgs } from "../../app-code/shared/heartbeat";
import { clientTimeouts } from "../../app-code/shared/sdk-timeouts";
import { loadWorkerConfig } from "../../app-code/worker/src/config";
import { Log, silentLog } from "../../app-code/worker/src/log";
import { processorFromEnv } from "../../app-code/worker/src/processors";
import { Worker } from "../../app-code/worker/src/worker";
import { startStandIns, StandIns } from "./aws-stand-ins";
import { FauxqsProcess, startFauxqs } from "./fauxqs";
import { CallCounter, createLocalQueues, LocalQueues, LocalQueuesOptions, localAwsEnv, localSqsClient } from "./queues";

export interface LocalEnvironment {
  fauxqs: FauxqsProcess;
  standIns: StandIns;
  queues: LocalQueues;
  close(): Promise<void>;
}

export async function startLocalEnvironment(
  name: string,
  visibilityTimeoutSeconds = 10,
  queue: Pick<LocalQueuesOptions, "fifo" | "maxReceiveCount"> = {},
): Promise<LocalEnvironment> {
  const [fauxqs, standIns] = await Promise.all([startFauxqs(), startStandIns()]);
  const queues = await createLocalQueues(fauxqs, { name, visibilityTimeoutSeconds, maxReceiveCount: 3, ...queue });
  return { fauxqs, standIns, queues, close: () => Promise.all([fauxqs.stop(), standIns.close()]).then(() => undefined) };
}

export interface LocalWorker {
  worker: Worker;
  /** SQS calls the worker made, by operation. */
  sqsCalls: CallCounter;
  /** All AWS calls: SQS + PutMetricData + task-protection requests. */
  totalCalls(): number;
}

/**
 * A worker as the container builds it (run.ts), from environment variables and with the same client timeouts,
 * pointed at the local environment. With `processor` true it runs the processor WORKER_PROCESSOR names (as the
 * container does); else the default one.
 */
export function createLocalWorker(env: LocalEnvironment, workerEnv: Record<string, string>, log: Log = silentLog, processor = false): LocalWorker {
  const vars = { QUEUE_URL: env.queues.queueUrl, ECS_AGENT_URI: env.standIns.url, ...workerEnv };
  const config = loadWorkerConfig(vars);
  const sqs = localSqsClient(env.fauxqs.endpoint, clientTimeouts(config.sqsRequestTimeoutSeconds * 1000));
  const sqsCalls = new CallCounter();
  sqsCalls.attach(sqs);
  const cloudwatch = new CloudWatchClient({
    region: localAwsEnv(env.fauxqs.endpoint).AWS_REGION,
    endpoint: env.standIns.url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...clientTimeouts(),
  });
  const chosen = processor ? processorFromEnv(vars)({ env: vars, config, sqs, log }) : undefined;
  if (chosen instanceof Promise) throw new Error("createLocalWorker: the processor WORKER_PROCESSOR names is built asynchronously");
  const worker = new Worker(config, { sqs, cloudwatch, log, processor: chosen });
  return { worker, sqsCalls, totalCalls: () => sqsCalls.total + worker.metrics.calls + worker.protection.calls };
}

/**
 * Runs the container health check of the task definition (the same `node -e` script) against a heartbeat file:
 * ok, or the one line the check printed.
 */
export function runHealthCheck(file: string): Promise<{ ok: boolean; detail: string }> {
  const [, ...args] = healthCheckArgs(file);
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 5000 }, (err, _stdout, stderr) =>
      resolve({ ok: !err, detail: err ? stderr.trim() || String(err.message) : "ok" }),
    );
  });
}

/**
 * The recursive fan-out on this machine: fauxqs (SQS) with a standard node queue and its DLQ, dynalite
 * (DynamoDB) with the run table, the CloudWatch/ECS-agent stand-ins, and workers: the shared queue worker with the
 * node processor, wired as the container wires them (WORKER_PROCESSOR=recursive-fanout). Shared by the tests and
 * `npm run local -- --stack sqs-recursive-fanout`.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SQSClient } from "@aws-sdk/client-sqs";
import { FanoutStore } from "../../app-code/recursive-fanout/fanout-store";
import { createNodeProcessor, FanoutConfig, loadFanoutConfig, NodeWorkload, syntheticWorkload } from "../../app-code/recursive-fanout/node-processor";
import { QueueCounts } from "../../app-code/recursive-fanout/run-progress";
import { SyntheticTree } from "../../app-code/recursive-fanout/synthetic-tree";
import { loadWorkerConfig } from "../../app-code/worker/src/config";
import type { Log } from "../../app-code/worker/src/log";
import { Worker } from "../../app-code/worker/src/worker";
import { startStandIns, StandIns } from "./aws-stand-ins";
import { DynaliteServer, startDynalite } from "./dynalite";
import { FauxqsProcess, startFauxqs } from "./fauxqs";
import { createLocalQueues, LocalQueues, localAwsEnv, localSqsClient } from "./queues";

export interface FanoutEnvironment {
  fauxqs: FauxqsProcess;
  dynalite: DynaliteServer;
  standIns: StandIns;
  queues: LocalQueues;
  tableName: string;
  /** The worker's environment variables, as the stack's task definition sets them. */
  workerEnv: Record<string, string>;
  /** A store on a client of its own. */
  store(config?: FanoutConfig): FanoutStore;
  /** Exact counts of the node queue. */
  queueCounts(): Promise<QueueCounts>;
  close(): Promise<void>;
}

export async function startFanoutEnvironment(name: string, options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {}): Promise<FanoutEnvironment> {
  const [fauxqs, dynalite, standIns] = await Promise.all([startFauxqs(), startDynalite(), startStandIns()]);
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const queues = await createLocalQueues(fauxqs, { name, fifo: false, maxReceiveCount, visibilityTimeoutSeconds });
  const tableName = `${name}-runs`;
  await dynalite.createFanoutTable(tableName);
  const workerEnv = {
    WORKER_PROCESSOR: "recursive-fanout",
    QUEUE_URL: queues.queueUrl,
    TABLE_NAME: tableName,
    MAX_RECEIVE_COUNT: String(maxReceiveCount),
    LEASE_SECONDS: String(visibilityTimeoutSeconds),
    ECS_AGENT_URI: standIns.url,
    // Short polls and stop window, so the local runs and tests stop quickly.
    RECEIVE_WAIT_SECONDS: "1",
    STOP_TIMEOUT_SECONDS: "5",
    METRIC_FLUSH_SECONDS: "60",
  };
  return {
    fauxqs,
    dynalite,
    standIns,
    queues,
    tableName,
    workerEnv,
    store: (config) => new FanoutStore(dynalite.documentClient(), { tableName, ttlDays: config?.ttlDays ?? 1 }),
    async queueCounts() {
      const q = await queues.main();
      return { visible: q.ready, inFlight: q.inflight, delayed: q.delayed };
    },
    close: () => Promise.all([fauxqs.stop(), dynalite.stop(), standIns.close()]).then(() => undefined),
  };
}

export interface LocalFanoutWorker {
  worker: Worker;
  processor: ReturnType<typeof createNodeProcessor>;
  /** The worker's SQS client (for fault injection and watching what it sends). */
  sqs: SQSClient;
}

/**
 * A worker as the container builds it (config from environment variables, its own SQS and DynamoDB clients),
 * started. `workload` replaces the synthetic tree's work (tests inject failures through it); `setUp` sees the SQS
 * client before the worker uses it.
 */
export async function startFanoutWorker(
  env: FanoutEnvironment,
  workerEnv: Record<string, string>,
  log: Log,
  options: { workload?: (tree: SyntheticTree) => NodeWorkload; setUp?: (sqs: SQSClient) => void } = {},
): Promise<LocalFanoutWorker> {
  const vars = { ...env.workerEnv, ...workerEnv };
  const config = loadFanoutConfig(vars);
  const tree = new SyntheticTree(config.tree);
  const sqs = localSqsClient(env.fauxqs.endpoint);
  options.setUp?.(sqs);
  const processor = createNodeProcessor(config, { store: env.store(config), sqs, workload: (options.workload ?? syntheticWorkload)(tree), tree });
  const cloudwatch = new CloudWatchClient({
    region: localAwsEnv(env.fauxqs.endpoint).AWS_REGION,
    endpoint: env.standIns.url,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const worker = new Worker(loadWorkerConfig(vars), { sqs, cloudwatch, log, processor });
  await worker.start();
  return { worker, processor, sqs };
}

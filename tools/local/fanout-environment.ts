/**
 * The recursive fan-out on this machine: fauxqs (SQS) with a standard node queue and its DLQ, dynalite
 * (DynamoDB) with the run table, and workers (the node processor under the minimal driver) wired to them as the
 * container wires them. Shared by the tests and `npm run local -- --stack sqs-recursive-fanout`.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { FanoutStore } from "../../app-code/recursive-fanout/fanout-store";
import { createNodeProcessor, FanoutConfig, loadFanoutConfig, NodeWorkload, syntheticWorkload } from "../../app-code/recursive-fanout/node-processor";
import { QueueCounts } from "../../app-code/recursive-fanout/run-progress";
import { SyntheticTree } from "../../app-code/recursive-fanout/synthetic-tree";
import type { Log } from "../../app-code/worker/src/log";
import { DynaliteServer, startDynalite } from "./dynalite";
import { FauxqsProcess, startFauxqs } from "./fauxqs";
import { startProcessorDriver } from "./processor-driver";
import { createLocalQueues, LocalQueues, localSqsClient } from "./queues";

export interface FanoutEnvironment {
  fauxqs: FauxqsProcess;
  dynalite: DynaliteServer;
  queues: LocalQueues;
  tableName: string;
  /** The worker's environment variables (QUEUE_URL, TABLE_NAME, MAX_RECEIVE_COUNT, LEASE_SECONDS). */
  workerEnv: Record<string, string>;
  /** A store on a client of its own. */
  store(config?: FanoutConfig): FanoutStore;
  /** Exact counts of the node queue. */
  queueCounts(): Promise<QueueCounts>;
  close(): Promise<void>;
}

export async function startFanoutEnvironment(name: string, options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number } = {}): Promise<FanoutEnvironment> {
  const [fauxqs, dynalite] = await Promise.all([startFauxqs(), startDynalite()]);
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const queues = await createLocalQueues(fauxqs, { name, fifo: false, maxReceiveCount, visibilityTimeoutSeconds });
  const tableName = `${name}-runs`;
  await dynalite.createFanoutTable(tableName);
  const workerEnv = {
    QUEUE_URL: queues.queueUrl,
    TABLE_NAME: tableName,
    MAX_RECEIVE_COUNT: String(maxReceiveCount),
    LEASE_SECONDS: String(visibilityTimeoutSeconds),
  };
  return {
    fauxqs,
    dynalite,
    queues,
    tableName,
    workerEnv,
    store: (config) => new FanoutStore(dynalite.documentClient(), { tableName, ttlDays: config?.ttlDays ?? 1 }),
    async queueCounts() {
      const q = await queues.main();
      return { visible: q.ready, inFlight: q.inflight, delayed: q.delayed };
    },
    close: () => Promise.all([fauxqs.stop(), dynalite.stop()]).then(() => undefined),
  };
}

export interface LocalFanoutWorker {
  processor: ReturnType<typeof createNodeProcessor>;
  driver: ReturnType<typeof startProcessorDriver>;
  /** The worker's SQS client (for fault injection and watching what it sends). */
  sqs: SQSClient;
}

/**
 * A worker as the container would build it: config from environment variables, its own SQS and DynamoDB
 * clients. `workload` replaces the synthetic tree (tests inject failures through it).
 */
export function startFanoutWorker(
  env: FanoutEnvironment,
  workerEnv: Record<string, string>,
  log: Log,
  options: { workload?: (tree: SyntheticTree) => NodeWorkload; setUp?: (sqs: SQSClient) => void } = {},
): LocalFanoutWorker {
  const config = loadFanoutConfig({ ...env.workerEnv, ...workerEnv });
  const tree = new SyntheticTree(config.tree);
  const sqs = localSqsClient(env.fauxqs.endpoint);
  options.setUp?.(sqs);
  const processor = createNodeProcessor(config, { store: env.store(config), sqs, workload: (options.workload ?? syntheticWorkload)(tree) });
  const driver = startProcessorDriver({ sqs, queueUrl: config.queueUrl, processor, log, waitTimeSeconds: 1 });
  return { processor, driver, sqs };
}

/**
 * `WORKER_PROCESSOR=recursive-fanout`: the recursive fan-out's node step (../../../recursive-fanout/node-processor.ts)
 * on the synthetic graph, with its run records in DynamoDB (`TABLE_NAME`) and children posted to the worker's own
 * queue with the worker's SQS client. Settings: see loadFanoutConfig.
 */
import { fanoutDocumentClient, FanoutStore } from "../../../recursive-fanout/fanout-store";
import { NodeJob } from "../../../recursive-fanout/node-message";
import { createNodeProcessor, loadFanoutConfig, syntheticWorkload } from "../../../recursive-fanout/node-processor";
import { SyntheticTree } from "../../../recursive-fanout/synthetic-tree";
import { ConfigError } from "../../../shared/env";
import { Processor, ProcessorSetup } from "../processor";

export function createRecursiveFanoutProcessor({ env, config: worker, sqs }: Pick<ProcessorSetup, "env" | "config" | "sqs">): Processor<NodeJob> {
  const config = loadFanoutConfig(env);
  let tree: SyntheticTree;
  try {
    tree = new SyntheticTree(config.tree);
  } catch (err) {
    throw new ConfigError(`TREE_* / NODE_TIME_* settings: ${(err as Error).message}`);
  }
  if (config.tree.nodeTimeMaxSeconds > worker.maxDurationSeconds) {
    throw new ConfigError(`NODE_TIME_MAX_SECONDS=${config.tree.nodeTimeMaxSeconds} is invalid: expected at most MAX_DURATION_SECONDS (${worker.maxDurationSeconds})`);
  }
  const store = new FanoutStore(fanoutDocumentClient(), { tableName: config.tableName, ttlDays: config.ttlDays });
  return createNodeProcessor(config, { store, sqs, workload: syntheticWorkload(tree), tree });
}

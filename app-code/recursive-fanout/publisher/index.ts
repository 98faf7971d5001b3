/**
 * Backlog-per-task publisher Lambda, invoked every minute by an EventBridge schedule. Configuration: see
 * loadPublisherConfig in publisher.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { resilientClientConfig } from "../../shared/aws-client-config";
import { createSqsClient } from "../../shared/sqs-client";
import { loadPublisherConfig, publishBacklogPerTask, PublisherConfig, PublishResult } from "./publisher";

export const logger = new Logger({ serviceName: "backlog-per-task-publisher" });
let clients: { sqs: SQSClient; ecs: ECSClient; cloudwatch: CloudWatchClient } | undefined;
let config: PublisherConfig | undefined;

export const handler = async (): Promise<PublishResult> => {
  config ??= loadPublisherConfig(process.env);
  // A minute between runs: fail within seconds rather than overlap the next one.
  const options = resilientClientConfig({ requestTimeoutMs: 3000, maxAttempts: 3 });
  clients ??= { sqs: createSqsClient(process.env, options), ecs: new ECSClient(options), cloudwatch: new CloudWatchClient(options) };
  try {
    const result = await publishBacklogPerTask(config, clients);
    logger.info("backlog per task published", { ...result });
    return result;
  } catch (err) {
    logger.error("backlog per task not published", { error: String(err), queueUrl: config.queueUrl, service: config.serviceName });
    throw err;
  }
};

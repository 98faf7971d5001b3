/**
 * Test message producer Lambda (EventBridge schedule or manual invoke with `{"count": N}`).
 * Configuration: QUEUE_URL, MESSAGES_PER_RUN, DURATION_MIN_SECONDS, DURATION_MAX_SECONDS, MESSAGE_GROUP_COUNT.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { clientTimeouts } from "../shared/sdk-timeouts";
import { createSqsClient } from "../shared/sqs-client";
import { countFromEvent, loadProducerConfig, produce, SendResult } from "./producer";

export const logger = new Logger({ serviceName: "message-producer" });
// Created on first use, reused by warm invocations.
let sqs: SQSClient | undefined;

export const handler = async (event: unknown): Promise<SendResult> => {
  const config = loadProducerConfig(process.env);
  const count = countFromEvent(event, config);
  // It never long-polls: the ordinary request timeout.
  sqs ??= createSqsClient(process.env, clientTimeouts());
  const result = await produce(sqs, config, count);
  if (result.failed > 0) {
    logger.error("some messages could not be sent", { ...result, queueUrl: config.queueUrl });
  } else {
    logger.info("messages sent", { ...result, queueUrl: config.queueUrl });
  }
  return result;
};

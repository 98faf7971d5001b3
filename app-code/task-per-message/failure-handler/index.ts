/**
 * Failure handler Lambda, invoked by the EventBridge rule on `ECS Task State Change` (lastStatus STOPPED) of the
 * job task family. Configuration: see loadFailureHandlerConfig in failure-handler.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SQSClient } from "@aws-sdk/client-sqs";
import { resilientClientConfig } from "../../shared/aws-client-config";
import { createSqsClient } from "../../shared/sqs-client";
import { StopDecision } from "../failure-decision";
import { FailureHandlerConfig, handleTaskStopped, loadFailureHandlerConfig, TaskStateChangeEvent } from "./failure-handler";

export const logger = new Logger({ serviceName: "task-failure-handler" });
let sqs: SQSClient | undefined;
let config: FailureHandlerConfig | undefined;

export const handler = async (event: TaskStateChangeEvent): Promise<StopDecision> => {
  config ??= loadFailureHandlerConfig(process.env);
  sqs ??= createSqsClient(process.env, resilientClientConfig());
  return handleTaskStopped(event, config, { sqs, log: logger });
};

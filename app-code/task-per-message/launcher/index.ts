/**
 * Launcher Lambda (SQS event source mapping with ReportBatchItemFailures): one Fargate task per job message.
 * Powertools' batch utility builds the partial batch response, so one failed record does not return (and
 * relaunch) the others. Configuration: see loadLauncherConfig in launcher.ts.
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { ECSClient } from "@aws-sdk/client-ecs";
import { resilientClientConfig } from "../../shared/aws-client-config";
import { launchBatch, LauncherConfig, loadLauncherConfig } from "./launcher";

export const logger = new Logger({ serviceName: "task-launcher" });
// Created on first use and kept by warm invocations: one client per container, not per message.
let ecs: ECSClient | undefined;
let config: LauncherConfig | undefined;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  config ??= loadLauncherConfig(process.env);
  ecs ??= new ECSClient(resilientClientConfig({ requestTimeoutMs: 5000 }));
  return launchBatch(event, context, config, { ecs, log: logger });
};

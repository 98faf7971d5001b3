/**
 * Target setter Lambda (EventBridge, hourly): sets the scaling policy's target backlog per task from the
 * measured mean processing duration. See setter.ts for the steps and ../shared/target-bpi.ts for the arithmetic.
 */
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { Logger } from "@aws-lambda-powertools/logger";
import { clientTimeouts } from "../shared/sdk-timeouts";
import { loadTargetSetterConfig, runTargetSetter, TargetSetterResult } from "./setter";

export const logger = new Logger({ serviceName: "target-setter" });
const cloudwatch = new CloudWatchClient(clientTimeouts());
const autoscaling = new ApplicationAutoScalingClient(clientTimeouts());

export const handler = async (): Promise<TargetSetterResult> => {
  try {
    const config = loadTargetSetterConfig(process.env);
    const result = await runTargetSetter(config, { cloudwatch, autoscaling });
    logger.info(result.updated ? "target updated" : "target unchanged (below threshold)", { ...result });
    return result;
  } catch (err) {
    logger.error("target setter failed", err as Error);
    throw err;
  }
};

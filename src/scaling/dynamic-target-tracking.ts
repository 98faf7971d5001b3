/**
 * The scaling of sqs-dynamic-target-tracking as the settings define it, for the stack and the simulator alike: the
 * target-setter options and the initial target come from here, the formula from app-code/shared/target-bpi.ts.
 */
import { computeTargetBpi, TargetBpiOptions } from "../../app-code/shared/target-bpi";
import { StackSettings } from "../settings";

export interface ProjectScaling {
  /** What the target setter computes the target with (also the simulator's target setter). */
  readonly targetOptions: TargetBpiOptions;
  /** The target the policy is created with: `initialTargetBpi`, else the formula at the default duration. */
  readonly initialTarget: number;
}

export function projectScaling(settings: StackSettings<"sqs-dynamic-target-tracking">): ProjectScaling {
  const targetOptions: TargetBpiOptions = {
    metric: settings.scalingMetric,
    utilisation: settings.targetUtilisation,
    desiredLatencySeconds: settings.desiredLatencySeconds,
    defaultDurationSeconds: settings.defaultMessageDurationSeconds,
    concurrency: settings.workerConcurrency,
  };
  return {
    targetOptions,
    initialTarget: settings.initialTargetBpi ?? computeTargetBpi(undefined, targetOptions).target,
  };
}

import { App } from "cdktf";
import { CoreInfraStack } from "../stacks/core-infra-stack";
import { SqsDynamicTargetTrackingStack } from "../stacks/sqs-dynamic-target-tracking-stack";
import { SqsQueueDepthTrackingStack } from "../stacks/sqs-queue-depth-tracking-stack";
import { SqsScaleToZeroStack } from "../stacks/sqs-scale-to-zero-stack";
import { AppSettings } from "./app-settings";

/** Stack names, as `cdktf deploy <stack>` and `cdktf.out/stacks/<stack>` know them. */
export const STACK_NAMES = {
  coreInfra: "core-infra",
  sqsDynamicTargetTracking: "sqs-dynamic-target-tracking",
  sqsQueueDepthTracking: "sqs-queue-depth-tracking",
  sqsScaleToZero: "sqs-scale-to-zero",
} as const;

export interface CreateAppOptions {
  /** Output folder. @default CDKTF_OUTDIR, else "cdktf.out" */
  readonly outdir?: string;
}

/**
 * Builds the app with every stack from validated settings. Stack traces stay out of the metadata: they hold
 * absolute paths of the machine, and the output must be byte-identical everywhere.
 */
export function createApp(settings: AppSettings, options: CreateAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, stackTraces: false });
  new CoreInfraStack(app, STACK_NAMES.coreInfra, { settings });
  new SqsDynamicTargetTrackingStack(app, STACK_NAMES.sqsDynamicTargetTracking, { settings });
  new SqsQueueDepthTrackingStack(app, STACK_NAMES.sqsQueueDepthTracking, { settings });
  new SqsScaleToZeroStack(app, STACK_NAMES.sqsScaleToZero, { settings });
  return app;
}

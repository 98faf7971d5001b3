import { App } from "cdktf";
import { CoreInfraStack } from "../stacks/core-infra-stack";
import { SqsDynamicTargetTrackingStack } from "../stacks/sqs-dynamic-target-tracking-stack";
import { SqsQueueDepthTrackingStack } from "../stacks/sqs-queue-depth-tracking-stack";
import { SqsRecursiveFanoutStack } from "../stacks/sqs-recursive-fanout-stack";
import { SqsScaleToZeroStack } from "../stacks/sqs-scale-to-zero-stack";
import { SqsTaskPerMessageStack } from "../stacks/sqs-task-per-message-stack";
import { AppSettings, StackName } from "./settings";

/** Stack names, as `cdktf deploy <stack>` and `cdktf.out/stacks/<stack>` know them. */
export const STACK_NAMES = {
  coreInfra: "core-infra",
  sqsDynamicTargetTracking: "sqs-dynamic-target-tracking",
  sqsQueueDepthTracking: "sqs-queue-depth-tracking",
  sqsScaleToZero: "sqs-scale-to-zero",
  sqsTaskPerMessage: "sqs-task-per-message",
  sqsRecursiveFanout: "sqs-recursive-fanout",
} as const satisfies Record<string, StackName>;

export interface CreateAppOptions {
  /** Output folder. @default CDKTF_OUTDIR, else "cdktf.out" */
  readonly outdir?: string;
}

/**
 * Builds the app with every stack from validated settings; each stack gets the globals and its own group only.
 * Stack traces stay out of the metadata: they hold absolute paths of the machine, and the output must be
 * byte-identical everywhere.
 */
export function createApp(settings: AppSettings, options: CreateAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const { coreInfra, sqsDynamicTargetTracking, sqsQueueDepthTracking, sqsScaleToZero, sqsTaskPerMessage, sqsRecursiveFanout } = STACK_NAMES;
  new CoreInfraStack(app, coreInfra, { settings: settings.stacks[coreInfra] });
  new SqsDynamicTargetTrackingStack(app, sqsDynamicTargetTracking, { settings: settings.stacks[sqsDynamicTargetTracking] });
  new SqsQueueDepthTrackingStack(app, sqsQueueDepthTracking, { settings: settings.stacks[sqsQueueDepthTracking] });
  new SqsScaleToZeroStack(app, sqsScaleToZero, { settings: settings.stacks[sqsScaleToZero] });
  new SqsTaskPerMessageStack(app, sqsTaskPerMessage, { settings: settings.stacks[sqsTaskPerMessage] });
  new SqsRecursiveFanoutStack(app, sqsRecursiveFanout, { settings: settings.stacks[sqsRecursiveFanout] });
  return app;
}

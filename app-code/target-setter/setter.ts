import {
  ApplicationAutoScalingClient,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  ScalingPolicy,
} from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand, MetricDataResult, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { AppMetricConfig, loadAppMetricConfig, metricDimensions } from "../shared/app-metric";
import { ConfigError, Env, optionalString, readNumber, requireString } from "../shared/env";
import {
  computeTargetBpi,
  DEFAULT_UPDATE_THRESHOLD,
  DEFAULT_UTILISATION,
  MetricDatapoint,
  needsUpdate,
  ScalingMetric,
  SCALING_METRICS,
  TargetBpi,
  weightedMeanDuration,
} from "../shared/target-bpi";

export interface TargetSetterConfig extends AppMetricConfig {
  clusterName: string;
  serviceName: string;
  scalingPolicyName: string;
  queueName: string;
  bpiMetricName: string;
  desiredLatencySeconds: number;
  defaultDurationSeconds: number;
  workerConcurrency: number;
  /** The metric of the policy, whose target formula applies (shared module). */
  scalingMetric: ScalingMetric;
  /** Target utilisation u of load-per-task. */
  utilisation: number;
  lookbackMinutes: number;
  updateThreshold: number;
}

export function loadTargetSetterConfig(env: Env): TargetSetterConfig {
  return {
    clusterName: requireString(env, "CLUSTER_NAME"),
    serviceName: requireString(env, "SERVICE_NAME"),
    scalingPolicyName: requireString(env, "SCALING_POLICY_NAME"),
    queueName: requireString(env, "QUEUE_NAME"),
    ...loadAppMetricConfig(env),
    bpiMetricName: optionalString(env, "BPI_METRIC_NAME", "ecsTargetBPI"),
    desiredLatencySeconds: readNumber(env, "DESIRED_LATENCY_SECONDS", { default: 60, min: 0, max: 86_400, exclusiveMin: true }),
    defaultDurationSeconds: readNumber(env, "DEFAULT_DURATION_SECONDS", { default: 5, min: 0, max: 86_400, exclusiveMin: true }),
    workerConcurrency: readNumber(env, "WORKER_CONCURRENCY", { default: 1, min: 1, max: 100, integer: true }),
    scalingMetric: readScalingMetric(env),
    utilisation: readNumber(env, "TARGET_UTILISATION", { default: DEFAULT_UTILISATION, min: 0, max: 1, exclusiveMin: true }),
    // GetMetricData keeps 1-minute data for 15 days; a day is plenty and bounds the request.
    lookbackMinutes: readNumber(env, "LOOKBACK_MINUTES", { default: 60, min: 1, max: 1440, integer: true }),
    updateThreshold: readNumber(env, "UPDATE_THRESHOLD", { default: DEFAULT_UPDATE_THRESHOLD, min: 0, max: 1 }),
  };
}

/** SCALING_METRIC; unset is the blueprint's backlog-per-task, so a deployment without it keeps its arithmetic. */
function readScalingMetric(env: Env): ScalingMetric {
  const value = optionalString(env, "SCALING_METRIC", "backlog-per-task");
  if (!(SCALING_METRICS as readonly string[]).includes(value)) {
    throw new ConfigError(`SCALING_METRIC=${JSON.stringify(value)} is invalid: expected one of ${SCALING_METRICS.join(", ")}`);
  }
  return value as ScalingMetric;
}

export interface TargetSetterDeps {
  cloudwatch: Pick<CloudWatchClient, "send">;
  autoscaling: Pick<ApplicationAutoScalingClient, "send">;
  now?: () => Date;
}

export interface TargetSetterResult extends TargetBpi {
  previousTarget: number | undefined;
  updated: boolean;
  /** Messages behind the mean (Σ SampleCount over the window). */
  samples: number;
}

/** Context attached to every failure, so a failed run says what it was doing and on what. */
export class TargetSetterError extends Error {
  constructor(step: string, context: Record<string, unknown>, cause: unknown) {
    super(`${step} failed (${JSON.stringify(context)}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "TargetSetterError";
  }
}

const PERIOD_SECONDS = 60;

/** Sum and SampleCount per 1-minute period over the lookback window, all pages. */
export async function readDurationDatapoints(
  config: TargetSetterConfig,
  deps: TargetSetterDeps,
): Promise<MetricDatapoint[]> {
  const end = new Date(deps.now?.() ?? Date.now());
  // Whole minutes, so the periods align with CloudWatch's aggregation.
  end.setUTCSeconds(0, 0);
  const start = new Date(end.getTime() - config.lookbackMinutes * 60_000);
  const metric = {
    Namespace: config.metricNamespace,
    MetricName: config.appMetricName,
    Dimensions: metricDimensions(config.metricType, config.queueName),
  };
  const query = (Id: string, Stat: string) => ({ Id, MetricStat: { Metric: metric, Period: PERIOD_SECONDS, Stat }, ReturnData: true });
  const sums = new Map<number, number>();
  const counts = new Map<number, number>();
  let nextToken: string | undefined;
  do {
    const res = await deps.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: [query("durationSum", "Sum"), query("durationCount", "SampleCount")],
        NextToken: nextToken,
      }),
    );
    for (const r of res.MetricDataResults ?? []) collect(r, r.Id === "durationSum" ? sums : counts);
    nextToken = res.NextToken;
  } while (nextToken);
  return [...counts.entries()].map(([t, sampleCount]) => ({ sum: sums.get(t) ?? NaN, sampleCount }));
}

function collect(result: MetricDataResult, into: Map<number, number>): void {
  (result.Timestamps ?? []).forEach((t, i) => {
    const v = result.Values?.[i];
    if (v !== undefined) into.set(new Date(t).getTime(), v);
  });
}

export async function describePolicy(config: TargetSetterConfig, deps: TargetSetterDeps): Promise<ScalingPolicy> {
  const res = await deps.autoscaling.send(
    new DescribeScalingPoliciesCommand({
      ServiceNamespace: "ecs",
      ResourceId: resourceId(config),
      ScalableDimension: "ecs:service:DesiredCount",
      PolicyNames: [config.scalingPolicyName],
    }),
  );
  const policy = res.ScalingPolicies?.find((p) => p.PolicyName === config.scalingPolicyName);
  if (!policy?.TargetTrackingScalingPolicyConfiguration) {
    throw new Error(`no target tracking policy named ${config.scalingPolicyName} on ${resourceId(config)}`);
  }
  return policy;
}

export function resourceId(config: TargetSetterConfig): string {
  return `service/${config.clusterName}/${config.serviceName}`;
}

/**
 * One run: mean duration -> target -> policy update (only TargetValue changes; metric specification, cooldowns
 * and scale-in setting are sent back exactly as read) -> BPI metric. Any AWS error stops the run with its context
 * before a later step; the policy is only ever written in one PutScalingPolicy call, so it is never half-changed.
 */
export async function runTargetSetter(config: TargetSetterConfig, deps: TargetSetterDeps): Promise<TargetSetterResult> {
  const context = { resourceId: resourceId(config), policy: config.scalingPolicyName, queue: config.queueName };
  const points = await step("GetMetricData", context, () => readDurationDatapoints(config, deps));
  const computed = computeTargetBpi(weightedMeanDuration(points), {
    metric: config.scalingMetric,
    utilisation: config.utilisation,
    desiredLatencySeconds: config.desiredLatencySeconds,
    defaultDurationSeconds: config.defaultDurationSeconds,
    concurrency: config.workerConcurrency,
  });
  const policy = await step("DescribeScalingPolicies", context, () => describePolicy(config, deps));
  const current = policy.TargetTrackingScalingPolicyConfiguration!.TargetValue;
  const updated = needsUpdate(current, computed.target, config.updateThreshold);
  if (updated) {
    await step("PutScalingPolicy", { ...context, from: current, to: computed.target }, () =>
      deps.autoscaling.send(
        new PutScalingPolicyCommand({
          PolicyName: policy.PolicyName,
          ServiceNamespace: policy.ServiceNamespace,
          ResourceId: policy.ResourceId,
          ScalableDimension: policy.ScalableDimension,
          PolicyType: policy.PolicyType,
          TargetTrackingScalingPolicyConfiguration: {
            ...policy.TargetTrackingScalingPolicyConfiguration!,
            TargetValue: computed.target,
          },
        }),
      ),
    );
  }
  const target = updated ? computed.target : current!;
  await step("PutMetricData", { ...context, namespace: config.metricNamespace }, () =>
    deps.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: config.metricNamespace,
        MetricData: [
          {
            MetricName: config.bpiMetricName,
            Dimensions: metricDimensions(config.metricType, config.queueName),
            Unit: "Count",
            Value: target,
          },
        ],
      }),
    ),
  );
  return { ...computed, previousTarget: current, updated, samples: points.reduce((n, p) => n + p.sampleCount, 0) };
}

async function step<T>(name: string, context: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new TargetSetterError(name, context, err);
  }
}

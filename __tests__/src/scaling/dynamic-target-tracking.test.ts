/**
 * One formula, three users: the metric math the stack synthesizes, the target the target-setter Lambda computes
 * and the metric the simulator evaluates are checked here on the same numbers, against the formula written out.
 */
import { Testing } from "cdktf";
import { compileMetricMath } from "../../../app-code/shared/target-bpi";
import { loadTargetSetterConfig, runTargetSetter } from "../../../app-code/target-setter/setter";
import { projectScaling } from "../../../src/scaling/dynamic-target-tracking";
import { SqsDynamicTargetTrackingStack } from "../../../stacks/sqs-dynamic-target-tracking-stack";
import { simulate } from "../../../tools/simulator/model";
import { projectStrategy } from "../../../tools/simulator/strategies";
import { workloadFrom } from "../../../tools/simulator/workloads";
import { resourcesOf, testSettings, TerraformJson } from "../../helpers";

// 4 tasks that cannot keep up with 50 messages of 6 s at the start of every minute (300 task-seconds a minute, 240
// available), so the backlog grows and every term of the formula matters.
const settings = testSettings("sqs-dynamic-target-tracking", { minCapacity: "4", maxCapacity: "4", targetSetterSchedule: "rate(10 minutes)" });
const L = settings.desiredLatencySeconds;
const u = settings.targetUtilisation;
const C = settings.workerConcurrency;
const D = 6;

/** The formula as docs/simulator.md writes it. */
const loadPerTask = (visible: number, sent: number, running: number) => (sent * (L / 60) + Math.max(0, visible - sent)) / running;

const json = JSON.parse(Testing.synth(new SqsDynamicTargetTrackingStack(Testing.app(), "s", { settings }))) as TerraformJson;
const policies = resourcesOf(json, "aws_appautoscaling_policy");
const trackedText: string = policies.scaling_policy.target_tracking_scaling_policy_configuration.customized_metric_specification.metrics.find(
  (m: { return_data: boolean }) => m.return_data,
).expression;
const burstText: string = resourcesOf(json, "aws_cloudwatch_metric_alarm").scaling_burst_alarm.metric_query.find(
  (q: { return_data: boolean }) => q.return_data,
).expression;

const minutes = 40;
const workload = workloadFrom(
  "steady",
  "50 × 6 s a minute",
  Array.from({ length: 50 * minutes }, (_, i) => [Math.floor(i / 50) * 60, D] as [number, number]),
);
const result = simulate(workload, projectStrategy(settings), { horizonSeconds: minutes * 60 });

test("the synthesized expression, evaluated on the simulator's datapoints, is the simulator's metric and the formula", () => {
  const e1 = compileMetricMath(trackedText);
  const { visible, running, sent, metric } = result.series;
  for (let m = 1; m < minutes; m++) {
    const fromStack = e1({ m1: visible[m], m2: running[m], m3: sent[m] });
    expect(fromStack).toBeCloseTo(loadPerTask(visible[m], sent[m], running[m]), 9);
    expect(metric[m]).toBeCloseTo(fromStack!, 9);
  }
  expect(Math.max(...Array.from(visible))).toBeGreaterThan(50); // the backlog term was exercised
});

test("the burst alarm's expression is the capacity utilisation the formula gives", () => {
  const e = compileMetricMath(burstText);
  const m = 20;
  const { visible, running, sent } = result.series;
  const demand = sent[m] * (L / 60) + Math.max(0, visible[m] - sent[m]);
  expect(e({ m1: visible[m], m2: running[m], m3: sent[m], m4: 10 * D, m5: 10 })).toBeCloseTo((demand * D) / (running[m] * C * L), 9);
});

test("the Lambda, configured as the stack configures it, sets the target the simulator's setter sets: u × L × C / D", async () => {
  const env = resourcesOf(json, "aws_lambda_function").target_setter_function.environment.variables as Record<string, string>;
  const sends: unknown[] = [];
  const deps = {
    now: () => new Date(Date.UTC(2026, 0, 1, 12, 0)),
    cloudwatch: {
      send: async (command: { constructor: { name: string } }) => {
        sends.push(command);
        return command.constructor.name === "GetMetricDataCommand"
          ? {
              MetricDataResults: [
                { Id: "durationSum", Timestamps: [new Date(Date.UTC(2026, 0, 1, 11, 59))], Values: [10 * D] },
                { Id: "durationCount", Timestamps: [new Date(Date.UTC(2026, 0, 1, 11, 59))], Values: [10] },
              ],
            }
          : {};
      },
    },
    autoscaling: {
      send: async (command: { constructor: { name: string } }) =>
        command.constructor.name === "DescribeScalingPoliciesCommand"
          ? { ScalingPolicies: [{ PolicyName: env.SCALING_POLICY_NAME, TargetTrackingScalingPolicyConfiguration: { TargetValue: projectScaling(settings).initialTarget } }] }
          : {},
    },
  };
  const lambda = await runTargetSetter(loadTargetSetterConfig(env), deps as never);
  expect(lambda.target).toBeCloseTo((u * L * C) / D, 12);
  // The simulator's setter ran at 10 minutes on the same 6 s messages.
  expect(result.series.target[15]).toBeCloseTo(lambda.target, 12);
  expect(sends.length).toBeGreaterThan(0);
});

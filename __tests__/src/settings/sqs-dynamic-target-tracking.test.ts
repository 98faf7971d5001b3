import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadSettings, scheduleExpression } from "../../../src/settings";
import { synthFromEnvironment } from "../../../src/synth-from-environment";
import { settingsProblems } from "../../helpers";

const STACK = "sqs-dynamic-target-tracking";
const ENV = "QS_SQS_DYNAMIC_TARGET_TRACKING__";
const IN_CONTEXT = `cdktf.json context "${STACK}"`;

/** The one problem line loadSettings reports for these values of the stack's object (fails the test when there is none or several). */
function problemOf(own: Record<string, unknown>): string {
  const problems = settingsProblems({ context: { [STACK]: own } });
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe("settings of the sqs-dynamic-target-tracking stack", () => {
  it("default to the blueprint's values, but for the scaling tuned with the simulator", () => {
    expect(loadSettings().stacks[STACK]).toMatchObject({
      appName: "ecsdemo-queue",
      queueName: undefined,
      scalingPolicyName: "ecs_sqs_scaling",
      desiredLatencySeconds: 60,
      defaultMessageDurationSeconds: 5,
      messagesPerProducerRun: 50,
      appMetricName: "MsgProcessingDuration",
      bpiMetricName: "ecsTargetBPI",
      metricType: "Single-Queue",
      metricNamespace: "ECS-SQS-BPI",
      minCapacity: 1,
      maxCapacity: 10,
      // Unset: the target setter's formula at the default duration (12 for backlog-per-task, 10.8 for load-per-task).
      initialTargetBpi: undefined,
      // Not the blueprint's: tuned with the simulator (docs/simulator.md).
      scalingMetric: "load-per-task",
      targetUtilisation: 0.9,
      stepScaling: true,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 60,
      targetSetterLookbackMinutes: 10,
      dlqMaxReceiveCount: 3,
      producerSchedule: "rate(1 minute)",
      producerEnabled: false,
      targetSetterSchedule: "rate(10 minutes)",
      targetSetterEnabled: true,
      buildWorkerImage: true,
      pipelineSource: "codestar-connection",
    });
  });

  it("read environment variables as strings and parse them", () => {
    const s = loadSettings({
      env: { [`${ENV}MAX_CAPACITY`]: "25", [`${ENV}PRODUCER_ENABLED`]: "true", [`${ENV}DESIRED_LATENCY_SECONDS`]: "2.5" },
    }).stacks[STACK];
    expect([s.maxCapacity, s.producerEnabled, s.desiredLatencySeconds]).toEqual([25, true, 2.5]);
  });

  it("reject a latency or duration that is not positive", () => {
    expect(problemOf({ desiredLatencySeconds: 0 })).toBe(
      `desiredLatencySeconds (${IN_CONTEXT}."desiredLatencySeconds") is 0; allowed: a number greater than 0 and at most 86400.`,
    );
    expect(problemOf({ defaultMessageDurationSeconds: -5 })).toBe(
      `defaultMessageDurationSeconds (${IN_CONTEXT}."defaultMessageDurationSeconds") is -5; allowed: a number greater than 0 and at most 43200.`,
    );
    expect(problemOf({ maxMessageDurationSeconds: 0 })).toBe(
      `maxMessageDurationSeconds (${IN_CONTEXT}."maxMessageDurationSeconds") is 0; allowed: an integer from 1 to 28000.`,
    );
  });

  it("reject a capacity beyond ECS's 5000 tasks per service, and a minimum above the maximum", () => {
    expect(problemOf({ maxCapacity: 5001 })).toContain(`maxCapacity (${IN_CONTEXT}."maxCapacity") is 5001; allowed: an integer from 1 to 5000`);
    expect(problemOf({ minCapacity: 5, maxCapacity: 3 })).toBe(
      `minCapacity = 5 (${IN_CONTEXT}."minCapacity") is greater than maxCapacity = 3 (${IN_CONTEXT}."maxCapacity"); allowed: minCapacity <= maxCapacity.`,
    );
  });

  it("reject a dead-letter receive count outside 1..1000", () => {
    expect(problemOf({ dlqMaxReceiveCount: 0 })).toContain(`dlqMaxReceiveCount (${IN_CONTEXT}."dlqMaxReceiveCount") is 0; allowed: an integer from 1 to 1000`);
    expect(problemOf({ dlqMaxReceiveCount: 1001 })).toContain("is 1001");
    expect(problemOf({ dlqMaxReceiveCount: 2.5 })).toContain("is 2.5");
  });

  it("reject names AWS would refuse: characters, length, FIFO suffix", () => {
    expect(problemOf({ appName: "Ecs_Demo" })).toContain(`appName (${IN_CONTEXT}."appName") is "Ecs_Demo"; allowed: 2-24 characters`);
    expect(problemOf({ appName: "a".repeat(25) })).toContain("appName");
    expect(problemOf({ queueName: "jobs" })).toContain(`queueName (${IN_CONTEXT}."queueName") is "jobs"; allowed: empty, or 6-75 characters: letters, digits, - and _, ending in .fifo`);
    expect(problemOf({ queueName: `${"q".repeat(71)}.fifo` })).toContain("queueName");
    expect(problemOf({ scalingPolicyName: "my policy" })).toContain("scalingPolicyName");
    expect(problemOf({ metricNamespace: "AWS/SQS" })).toContain("not starting with AWS/");
  });

  it("reject schedule expressions EventBridge would refuse", () => {
    const parse = scheduleExpression();
    for (const good of ["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 days)", "cron(0 12 * * ? *)"]) {
      expect(parse(good)).toBe(good);
    }
    for (const bad of ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(1 second)", "cron(0 12 * * ?)", "every minute"]) {
      expect(parse(bad)).not.toBe(bad);
    }
    expect(problemOf({ producerSchedule: "rate(1 minutes)" })).toContain(
      `producerSchedule (${IN_CONTEXT}."producerSchedule") is "rate(1 minutes)"; allowed: rate(N unit)`,
    );
  });

  it("reject switches that are not booleans and an unknown pipeline source", () => {
    expect(problemOf({ targetSetterEnabled: "yes" })).toBe(
      `targetSetterEnabled (${IN_CONTEXT}."targetSetterEnabled") is "yes"; allowed: true or false.`,
    );
    expect(problemOf({ pipelineSource: "github" })).toBe(
      `pipelineSource (${IN_CONTEXT}."pipelineSource") is "github"; allowed: codestar-connection or github-oauth.`,
    );
  });

  it("reject producer durations the worker would refuse", () => {
    expect(problemOf({ producerDurationMinSeconds: 9, producerDurationMaxSeconds: 3 })).toContain("producerDurationMinSeconds = 9 (");
    // A default is named as such: the other side of the rule may be a value nobody set.
    expect(problemOf({ producerDurationMaxSeconds: 90 })).toContain(
      `producerDurationMaxSeconds = 90 (${IN_CONTEXT}."producerDurationMaxSeconds") is greater than maxMessageDurationSeconds = 60 (default)`,
    );
  });

  it("a bad blueprint setting stops the synth before anything is written", () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qs-bad-setting-")), "out");
    const messages: string[] = [];
    const code = synthFromEnvironment({ CDKTF_OUTDIR: outdir, [`${ENV}DLQ_MAX_RECEIVE_COUNT`]: "0" }, (m) => messages.push(m));
    expect(code).toBe(1);
    expect(messages.join("\n")).toContain(`dlqMaxReceiveCount (env ${ENV}DLQ_MAX_RECEIVE_COUNT) is "0"`);
    expect(fs.existsSync(outdir)).toBe(false);
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  });
});

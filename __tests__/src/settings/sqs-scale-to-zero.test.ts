import { loadSettings } from "../../../src/settings";
import { settingsProblemOf, settingsProblems, testSettings } from "../../helpers";

const STACK = "sqs-scale-to-zero" as const;

const problemOf = (own: Record<string, unknown>) => settingsProblemOf(STACK, own);

describe("settings of sqs-scale-to-zero", () => {
  it("default to the source's 0..1 tasks of 4 vCPU / 8 GiB on FIFO, with the fixes: 60 s out, queue idle 10 min, 900 s visibility", () => {
    expect(loadSettings().stacks[STACK]).toMatchObject({
      name: "scale-to-zero",
      queueType: "fifo",
      minCapacity: 0,
      maxCapacity: 1,
      cpu: 4096,
      memory: 8192,
      scaleOutPeriodSeconds: 60,
      scaleOutCooldownSeconds: 300,
      idleSignal: "queue",
      idleMinutes: 10,
      backlogPerTaskTarget: 1,
      visibilityTimeoutSeconds: 900,
      maxJobSeconds: 3600,
      dlqMaxReceiveCount: 3,
      metricNamespace: "SQS-Scale-To-Zero",
      buildWorkerImage: true,
    });
  });

  it("accepts the source's CPU idle signal, and its 5-minute scale-out period when the idle window is longer", () => {
    expect(testSettings(STACK, { idleSignal: "cpu", scaleOutPeriodSeconds: 120 }).idleSignal).toBe("cpu");
    expect(testSettings(STACK, { scaleOutPeriodSeconds: 300, idleMinutes: 6 }).scaleOutPeriodSeconds).toBe(300);
  });

  it.each([
    ["a sub-minute alarm period", { scaleOutPeriodSeconds: 30 }, 'scaleOutPeriodSeconds (cdktf.json context "sqs-scale-to-zero"."scaleOutPeriodSeconds") is 30; allowed: a whole number of minutes in seconds'],
    ["a period that is not whole minutes", { scaleOutPeriodSeconds: 90 }, "is 90; allowed: a whole number of minutes"],
    ["an idle window over a day", { idleMinutes: 1441 }, "is 1441; allowed: an integer from 1 to 1440"],
    ["a queue type it does not know", { queueType: "lifo" }, 'is "lifo"; allowed: fifo or standard.'],
    ["an idle signal it does not know", { idleSignal: "empty-receives" }, 'is "empty-receives"; allowed: queue or cpu.'],
    ["a maximum of 0 tasks", { maxCapacity: 0 }, "is 0; allowed: an integer from 1 to 5000"],
    ["more tasks at the minimum than the maximum", { minCapacity: 2 }, "minCapacity = 2 (cdktf.json context \"sqs-scale-to-zero\".\"minCapacity\") is greater than maxCapacity = 1 (default)"],
    ["an idle window not longer than the scale-out period", { scaleOutPeriodSeconds: 600 }, "the idle window (idleMinutes = 10 (default) = 600 s) is not longer than scaleOutPeriodSeconds = 600"],
    ["the source's CPU window with the source's 5-minute scale-out alarm", { idleSignal: "cpu", scaleOutPeriodSeconds: 300 }, "the idle window (idleSignal = \"cpu\" (cdktf.json context \"sqs-scale-to-zero\".\"idleSignal\"): 180 s) is not longer than scaleOutPeriodSeconds = 300"],
    ["a job longer than the heartbeat can cover", { maxJobSeconds: 43200 }, "maxJobSeconds = 43200 (cdktf.json context \"sqs-scale-to-zero\".\"maxJobSeconds\") is more than the heartbeat can keep a message hidden with visibilityTimeoutSeconds = 900 (default); allowed: at most 42750"],
    ["8 vCPU with 8 GiB", { cpu: 8192 }, "cpu = 8192 (cdktf.json context \"sqs-scale-to-zero\".\"cpu\") and memory = 8192 (default) are no Fargate task size"],
  ])("rejects %s", (_kind, own, expected) => {
    expect(problemOf(own)).toContain(expected);
  });

  it("reads QS_SQS_SCALE_TO_ZERO__* variables and names them in messages", () => {
    expect(testSettings(STACK, {}, { QS_SQS_SCALE_TO_ZERO__IDLE_MINUTES: "30" }).idleMinutes).toBe(30);
    expect(settingsProblems({ env: { QS_SQS_SCALE_TO_ZERO__IDLE_MINUTES: "0" } })).toEqual([
      "idleMinutes (env QS_SQS_SCALE_TO_ZERO__IDLE_MINUTES) is \"0\"; allowed: an integer from 1 to 1440 (CloudWatch evaluates 1-minute periods over at most a day), longer than the scale-out period.",
    ]);
  });
});

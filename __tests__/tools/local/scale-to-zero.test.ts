/**
 * The scale-to-zero local run against fauxqs with short minutes, and its stand-in for the alarms.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { scaleToZeroPlan } from "../../../src/scaling/scale-to-zero";
import { createLocalQueues } from "../../../tools/local/queues";
import { LocalEnvironment, startLocalEnvironment } from "../../../tools/local/run";
import { AlarmStandIn, scaleToZeroRun } from "../../../tools/local/scale-to-zero";
import { testSettings } from "../../helpers";

describe("AlarmStandIn", () => {
  it("makes each period's Maximum a datapoint, a period without samples a gap, and evaluates the stack's rule", () => {
    const idle = new AlarmStandIn(scaleToZeroPlan(testSettings("sqs-scale-to-zero", { idleMinutes: 2 })).idle.alarm);
    idle.sample(0);
    idle.sample(3);
    expect(idle.closePeriod()).toBe("INSUFFICIENT_DATA");
    idle.sample(0);
    expect(idle.closePeriod()).toBe("OK");
    expect(idle.closePeriod()).toBe("OK"); // a gap: not breaching
    idle.sample(0);
    expect(idle.closePeriod()).toBe("OK");
    idle.sample(0);
    expect(idle.closePeriod()).toBe("ALARM");
    expect(idle.datapoints).toEqual([3, 0, undefined, 0, 0]);
  });
});

describe("the scale-to-zero run", () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment("stz-test", 2);
  });
  afterAll(() => env.close());

  it("starts the worker from zero for a burst, processes every message once, and stops it after the idle window", async () => {
    const plan = scaleToZeroPlan(testSettings("sqs-scale-to-zero", { idleMinutes: 4 }));
    const lines: string[] = [];
    const run = await scaleToZeroRun(env, plan, { minuteMs: 60, bursts: 1, messages: 2, jobMinutes: 2, startMinutes: 1, timeoutMinutes: 300 }, (l) => lines.push(l));
    expect(run).toMatchObject({ ok: true, taskStarts: 1, processed: 2, sent: 2, interrupted: 0, dlq: 0 });
    const [burst] = run.bursts;
    // Scale-out after the first full minute with the message visible, then the start time; 0 again after 4 empty minutes.
    expect(burst.runningAt! - burst.sentAt).toBeGreaterThanOrEqual(60);
    expect(burst.zeroAt! - burst.doneAt!).toBeGreaterThanOrEqual(3 * 60);
    expect(lines.filter((l) => /desired count/.test(l))).toEqual([
      expect.stringMatching(/scale-out alarm in ALARM \(datapoint 2\) -> desired count 0 -> 1$/),
      expect.stringMatching(/idle alarm in ALARM \(datapoint 0\) -> desired count 1 -> 0$/),
    ]);
  }, 20_000);

  it("fails the run when a message cannot be processed (it ends in the DLQ)", async () => {
    const plan = scaleToZeroPlan(testSettings("sqs-scale-to-zero", { idleMinutes: 2 }));
    const queues = await createLocalQueues(env.fauxqs, { name: "stz-poison", visibilityTimeoutSeconds: 2, maxReceiveCount: 1 });
    await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: "not json", MessageGroupId: "p" }));
    const run = await scaleToZeroRun({ ...env, queues }, plan, { minuteMs: 60, bursts: 1, messages: 1, jobMinutes: 1, startMinutes: 0, timeoutMinutes: 300 }, () => {});
    expect(run).toMatchObject({ ok: false, processed: 1, dlq: 1 });
  }, 20_000);
});

/**
 * The local runs of the two pattern stacks, end to end against fauxqs with short durations, and their pieces:
 * the --stack dispatch and the stand-in for the alarms.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { AlarmStandIn, scaleToZeroRun } from "../../../tools/local/scale-to-zero";
import { runQueueDepthTrackingLocally } from "../../../tools/local/queue-depth-tracking";
import { numberOptions } from "../../../tools/local/local-options";
import { createLocalQueues } from "../../../tools/local/queues";
import { LocalEnvironment, startLocalEnvironment } from "../../../tools/local/run";
import { localStackRun } from "../../../tools/local/stacks";
import { scaleToZeroPlan } from "../../../src/scaling/scale-to-zero";
import { testSettings } from "../../helpers";

describe("npm run local -- --stack", () => {
  it("dispatches to the stack's run with the other arguments, the blueprint's demo without one", async () => {
    expect(localStackRun(["--messages", "5"])).toEqual({ rest: ["--messages", "5"] });
    expect(localStackRun(["--stack", "sqs-dynamic-target-tracking", "--poison", "1"])).toEqual({ rest: ["--poison", "1"] });
    const run = localStackRun(["--stack=sqs-scale-to-zero", "--bursts", "1"]);
    expect(run.rest).toEqual(["--bursts", "1"]);
    expect(run.run).toBeInstanceOf(Function);
    await expect(localStackRun(["--stack", "sqs-nope"]).run!()).rejects.toThrow(
      "--stack=sqs-nope is invalid: expected one of sqs-dynamic-target-tracking, sqs-queue-depth-tracking, sqs-scale-to-zero",
    );
  });

  it("options: defaults, and a bad value or an unknown option named with what is allowed", () => {
    const spec = { workers: { default: 2, min: 1, max: 10, integer: true, doc: "worker tasks" } };
    expect(numberOptions([], spec)).toEqual({ workers: 2 });
    expect(numberOptions(["--workers", "3"], spec)).toEqual({ workers: 3 });
    expect(() => numberOptions(["--workers", "2.5"], spec)).toThrow("--workers=2.5 is invalid: expected an integer from 1 up to 10 (worker tasks)");
    expect(() => numberOptions(["--wokers", "2"], spec)).toThrow(/Unknown option '--wokers'/);
  });
});

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

describe("the queue-depth-tracking run", () => {
  it("runs producer service and workers with shortened durations and stops by itself with its summary, exit 0", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await runQueueDepthTrackingLocally(["--seconds", "0.5", "--scale", "0.002"])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(lines.at(-1)).toBe("OK: every message sent was processed once, the poison message is in the DLQ, nothing left");
    const sent = Number(/sent (\d+) UNIX times/.exec(lines.find((l) => l.includes("producer      sent"))!)![1]);
    expect(sent).toBeGreaterThan(2);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`workers {7}2; processed ${sent} \\(\\d+ even, \\d+ odd\\); processed twice: 0`)));
  }, 20_000);
});

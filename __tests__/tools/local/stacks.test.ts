import { numberOptions } from "../../../tools/local/local-options";
import { localStackRun } from "../../../tools/local/stacks";

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

import { def, globalSettings, stackEnvPrefix, stackSettings, upperSnake } from "../../../src/settings/group";
import { integer } from "../../../src/settings/parsers";

const setting = (key: string, env: string) => def({ key, env, doc: "d", allowed: "a", default: 1, parse: integer(0, 9) });

describe("settings groups", () => {
  it("derive a stack's variable prefix from its name, with a double underscore before the setting", () => {
    expect(stackEnvPrefix("sqs-dynamic-target-tracking")).toBe("QS_SQS_DYNAMIC_TARGET_TRACKING__");
    expect(stackEnvPrefix("core-infra")).toBe("QS_CORE_INFRA__");
    expect([upperSnake("desiredLatencySeconds"), upperSnake("initialTargetBpi"), upperSnake("vpcCidr")]).toEqual([
      "DESIRED_LATENCY_SECONDS",
      "INITIAL_TARGET_BPI",
      "VPC_CIDR",
    ]);
  });

  it("accept a stack's definitions whose variables follow its prefix", () => {
    const group = stackSettings("my-stack", { doc: "x", definitions: { taskCount: setting("taskCount", "QS_MY_STACK__TASK_COUNT") } });
    expect(group).toMatchObject({ name: "my-stack", kind: "stack", envPrefix: "QS_MY_STACK__", crossChecks: [] });
  });

  it("refuse, when the module loads, a stack variable in the flat form and a key that differs from its record key", () => {
    expect(() => stackSettings("my-stack", { doc: "x", definitions: { scalingMetric: setting("scalingMetric", "QS_SCALING_METRIC") } })).toThrow(
      "settings group my-stack: scalingMetric: env is QS_SCALING_METRIC, expected QS_MY_STACK__SCALING_METRIC",
    );
    expect(() => stackSettings("my-stack", { doc: "x", definitions: { a: setting("b", "QS_MY_STACK__B") } })).toThrow('a: key is "b", expected "a"');
  });

  it("refuse a global variable with a stack's double underscore", () => {
    expect(() => globalSettings({ doc: "x", definitions: { a: setting("a", "QS_X__A") } })).toThrow("env is QS_X__A, expected /^QS_");
  });
});

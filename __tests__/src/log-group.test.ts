import { TerraformStack, Testing } from "cdktf";
import { LOG_GROUP_KMS_REASON, LOG_GROUP_RETENTION_REASON, serviceLogGroup } from "../../src/log-group";
import { suppressionsOf } from "../../src/suppress";
import { TerraformJson } from "../helpers";

/** The log groups as `cdktf synth` writes them (Testing.synth drops the `//` metadata the suppression lives in). */
function logGroups(build: (stack: TerraformStack) => void): Record<string, Record<string, unknown>> {
  const stack = new TerraformStack(Testing.app(), "s");
  build(stack);
  return (JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson).resource!.aws_cloudwatch_log_group;
}

describe("serviceLogGroup", () => {
  it("keeps logs 30 days by default, under the caller's Terraform name, with the KMS rule accepted for the default reason", () => {
    const { app_logs } = logGroups((stack) => serviceLogGroup(stack, "app_logs", { name: "/ecs/app" }));
    expect(app_logs).toMatchObject({ name: "/ecs/app", retention_in_days: 30 });
    expect(app_logs.kms_key_id).toBeUndefined();
    expect(suppressionsOf(app_logs)).toEqual({ "QS-LOG-002": LOG_GROUP_KMS_REASON, "QS-LOG-003": LOG_GROUP_RETENTION_REASON });
  });

  it("takes the retention and the reason from the caller", () => {
    const reason = "build output only: steps and image digests, no secrets";
    const { build_logs } = logGroups((stack) =>
      serviceLogGroup(stack, "build_logs", { name: "/aws/codebuild/x", retentionInDays: 7, contentsReason: reason }),
    );
    expect(build_logs).toMatchObject({ retention_in_days: 7 });
    expect(suppressionsOf(build_logs)).toEqual({ "QS-LOG-002": reason, "QS-LOG-003": LOG_GROUP_RETENTION_REASON });
  });

  it("accepts a retention under a year only with a reason, and needs none from a year on (checkov CKV_AWS_338)", () => {
    const why = "kept a week: a scratch environment that is torn down daily";
    const groups = logGroups((stack) => {
      serviceLogGroup(stack, "week", { name: "/w", retentionInDays: 7, retentionReason: why });
      serviceLogGroup(stack, "year", { name: "/y", retentionInDays: 365 });
      serviceLogGroup(stack, "forever", { name: "/f", retentionInDays: 0 });
    });
    expect(suppressionsOf(groups.week)["QS-LOG-003"]).toBe(why);
    expect(suppressionsOf(groups.year)["QS-LOG-003"]).toBeUndefined();
    expect(suppressionsOf(groups.forever)["QS-LOG-003"]).toBeUndefined();
  });
});

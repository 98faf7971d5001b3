import { loadSettings } from "../../../src/settings";
import { settingsProblems } from "../../helpers";

describe("settings of the core-infra stack", () => {
  it("default to three AZs in 10.0.0.0/16, and come with the globals", () => {
    expect(loadSettings().stacks["core-infra"]).toMatchObject({ azCount: 3, vpcCidr: "10.0.0.0/16", region: "us-west-2" });
  });

  it("are read from the stack's object in the context and from QS_CORE_INFRA__* variables, which win", () => {
    const s = loadSettings({ context: { "core-infra": { azCount: 1, vpcCidr: "10.1.0.0/16" } }, env: { QS_CORE_INFRA__AZ_COUNT: "2" } });
    expect(s.stacks["core-infra"]).toMatchObject({ azCount: 2, vpcCidr: "10.1.0.0/16" });
  });

  it.each([
    ["an AZ count above 3", { azCount: 4 }, 'azCount (cdktf.json context "core-infra"."azCount") is 4; allowed: an integer from 1 to 3.'],
    ["an AZ count that is not an integer", { azCount: "2.5" }, 'azCount (cdktf.json context "core-infra"."azCount") is "2.5"; allowed: an integer from 1 to 3.'],
    ["a CIDR that does not parse", { vpcCidr: "10.0.0/16" }, 'vpcCidr (cdktf.json context "core-infra"."vpcCidr") is "10.0.0/16"; allowed: an IPv4 network with prefix /16 to /20'],
    ["a CIDR too small for subnet k+10", { vpcCidr: "10.0.0.0/24" }, 'vpcCidr (cdktf.json context "core-infra"."vpcCidr") is "10.0.0.0/24"'],
    ["a CIDR with host bits set", { vpcCidr: "10.0.1.0/16" }, 'vpcCidr (cdktf.json context "core-infra"."vpcCidr") is "10.0.1.0/16"'],
  ])("reject %s", (_kind, own, expected) => {
    expect(settingsProblems({ context: { "core-infra": own } })).toEqual([expect.stringContaining(expected)]);
  });
});

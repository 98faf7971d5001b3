import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cdktfContext } from "../../../tools/lib/cdktf-context";

test("cdktf.json's context, overridden key by key by CDKTF_CONTEXT_JSON, as cdktf synth passes it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-context-"));
  try {
    fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: "x", context: { region: "eu-west-1", azCount: 2 } }));
    expect(cdktfContext({}, dir)).toEqual({ region: "eu-west-1", azCount: 2 });
    expect(cdktfContext({ CDKTF_CONTEXT_JSON: JSON.stringify({ azCount: 3 }) }, dir)).toEqual({ region: "eu-west-1", azCount: 3 });
    fs.rmSync(path.join(dir, "cdktf.json"));
    expect(cdktfContext({}, dir)).toEqual({});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

import * as fs from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { buildBundle, bundleHandler, PROJECT_ROOT } from "../../../src/constructs/bundled-function";

/** Unix mode and DOS date/time of the first central-directory entry of a zip. */
function firstEntryMeta(zip: Uint8Array): { mode: number; dosTime: number; dosDate: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = zip.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) !== 0x06054b50) continue; // end of central directory
    const cd = view.getUint32(i + 16, true);
    return { dosTime: view.getUint16(cd + 12, true), dosDate: view.getUint16(cd + 14, true), mode: view.getUint32(cd + 38, true) >>> 16 };
  }
  throw new Error("not a zip");
}

describe("buildBundle", () => {
  const entry = "app-code/message-producer/index.ts";
  const first = buildBundle({ entry });

  it("bundles the handler into one index.js that exports handler, with the AWS SDK left to the runtime", () => {
    const files = unzipSync(first.zip);
    expect(Object.keys(files)).toEqual(["index.js"]);
    const code = new TextDecoder().decode(files["index.js"]);
    expect(code).toMatch(/handler/);
    expect(code).toContain('require("@aws-sdk/client-sqs")');
    // No path of this machine in the bundle.
    expect(code).not.toContain(process.cwd());
  });

  it("is a CommonJS module that loads and exports handler (the SDK resolved as the runtime would)", () => {
    // Inside node_modules, so `require("@aws-sdk/...")` finds the project's copy as Lambda finds the runtime's.
    const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, "node_modules", ".cache-qs-bundle-"));
    try {
      fs.writeFileSync(path.join(dir, "index.js"), unzipSync(first.zip)["index.js"]);
      const loaded = require(path.join(dir, "index.js")) as { handler?: unknown };
      expect(typeof loaded.handler).toBe("function");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the same bytes and hash every time: fixed entry time (1980-01-01 00:00) and mode 0644", () => {
    const again = buildBundle({ entry });
    expect(again.zip).not.toBe(first.zip); // a second build, not the first one's bytes
    expect(Buffer.from(again.zip).equals(Buffer.from(first.zip))).toBe(true);
    expect(again.sha256).toBe(first.sha256);
    expect(firstEntryMeta(first.zip)).toEqual({ mode: 0o644, dosTime: 0, dosDate: (0 << 9) | (1 << 5) | 1 });
  });

  it("fails with the entry's name when the handler file is missing", () => {
    expect(() => buildBundle({ entry: "app-code/nothing-here/index.ts" })).toThrow(/app-code\/nothing-here\/index\.ts does not exist/);
  });
});

describe("bundleHandler", () => {
  it("builds a handler once per process and options: the same bundle again, another one with the SDK bundled", () => {
    const entry = "app-code/target-setter/index.ts";
    const first = bundleHandler({ entry });
    expect(bundleHandler({ entry })).toBe(first);
    expect(Buffer.from(first.zip).equals(Buffer.from(buildBundle({ entry }).zip))).toBe(true);
    const withSdk = bundleHandler({ entry, bundleAwsSdk: true });
    expect(withSdk).not.toBe(first);
    expect(withSdk.zip.length).toBeGreaterThan(first.zip.length);
  });

  it("does not keep a failure: a missing handler fails every time", () => {
    const entry = "app-code/nothing-here/index.ts";
    expect(() => bundleHandler({ entry })).toThrow(/does not exist/);
    expect(() => bundleHandler({ entry })).toThrow(/does not exist/);
  });
});

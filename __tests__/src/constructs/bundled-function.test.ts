import * as fs from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import * as os from "node:os";
import { BuildCache } from "../../../src/build-cache";
import { bundleHandler, PROJECT_ROOT } from "../../../src/constructs/bundled-function";

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

describe("bundleHandler without a cache", () => {
  const entry = "app-code/message-producer/index.ts";
  const first = bundleHandler({ entry }, null);

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
    const again = bundleHandler({ entry }, null);
    expect([first.fromCache, again.fromCache]).toEqual([false, false]); // two builds, no cache
    expect(Buffer.from(again.zip).equals(Buffer.from(first.zip))).toBe(true);
    expect(again.sha256).toBe(first.sha256);
    expect(firstEntryMeta(first.zip)).toEqual({ mode: 0o644, dosTime: 0, dosDate: (0 << 9) | (1 << 5) | 1 });
  });

  it("fails with the entry's name when the handler file is missing", () => {
    expect(() => bundleHandler({ entry: "app-code/nothing-here/index.ts" })).toThrow(/app-code\/nothing-here\/index\.ts does not exist/);
  });
});

describe("bundleHandler with the default cache (node_modules/.cache)", () => {
  it("builds a handler once per options: the same bundle again from the cache, another one with the SDK bundled", () => {
    const entry = "app-code/target-setter/index.ts";
    const first = bundleHandler({ entry });
    const again = bundleHandler({ entry });
    expect(again.fromCache).toBe(true);
    expect(Buffer.from(again.zip).equals(Buffer.from(first.zip))).toBe(true);
    expect(Buffer.from(first.zip).equals(Buffer.from(bundleHandler({ entry }, null).zip))).toBe(true);
    const withSdk = bundleHandler({ entry, bundleAwsSdk: true });
    expect(Buffer.from(withSdk.zip).equals(Buffer.from(first.zip))).toBe(false);
    expect(withSdk.zip.length).toBeGreaterThan(first.zip.length);
  });

  it("does not keep a failure: a missing handler fails every time", () => {
    const entry = "app-code/nothing-here/index.ts";
    expect(() => bundleHandler({ entry })).toThrow(/does not exist/);
    expect(() => bundleHandler({ entry })).toThrow(/does not exist/);
  });
});

describe("bundleHandler with a build cache", () => {
  // A handler of its own inside node_modules (ignored by git), so that the test can edit what it imports.
  const dir = fs.mkdtempSync(path.join(PROJECT_ROOT, "node_modules", ".cache-qs-cached-"));
  const entry = path.relative(PROJECT_ROOT, path.join(dir, "index.ts"));
  const cache = new BuildCache(fs.mkdtempSync(path.join(os.tmpdir(), "qs-bundle-cache-")), PROJECT_ROOT);
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
  beforeAll(() => {
    write("index.ts", 'import { greeting } from "./greeting";\nexport const handler = async () => greeting;\n');
    write("greeting.ts", 'export const greeting = "hello";\n');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache.dir, { recursive: true, force: true });
  });
  const code = (zip: Uint8Array) => new TextDecoder().decode(unzipSync(zip)["index.js"]);

  it("reuses the zip while nothing it was built from changed, byte for byte the zip of a fresh build", () => {
    const built = bundleHandler({ entry }, cache);
    const reused = bundleHandler({ entry }, cache);
    expect([built.fromCache, reused.fromCache]).toEqual([false, true]);
    expect(Buffer.from(reused.zip).equals(Buffer.from(built.zip))).toBe(true);
    expect(reused.sha256).toBe(built.sha256);
    expect(Buffer.from(bundleHandler({ entry }, null).zip).equals(Buffer.from(reused.zip))).toBe(true);
  });

  it("rebuilds when an imported file changes, and keeps the new zip (one slot per handler)", () => {
    const before = bundleHandler({ entry }, cache);
    write("greeting.ts", 'export const greeting = "changed";\n');
    const after = bundleHandler({ entry }, cache);
    expect(after.fromCache).toBe(false);
    expect(code(after.zip)).toContain("changed");
    expect(after.sha256).not.toBe(before.sha256);
    expect(bundleHandler({ entry }, cache)).toMatchObject({ fromCache: true, sha256: after.sha256 });
    expect(fs.readdirSync(cache.dir).sort()).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.out$/)]);
  });

  it("keeps other options apart: the same handler with the SDK bundled is its own entry", () => {
    expect(bundleHandler({ entry }, cache).fromCache).toBe(true);
    expect(bundleHandler({ entry, bundleAwsSdk: true }, cache).fromCache).toBe(false);
    expect(bundleHandler({ entry, bundleAwsSdk: true }, cache).fromCache).toBe(true);
  });

  it("treats a damaged slot as a miss and rebuilds", () => {
    const good = bundleHandler({ entry }, cache);
    for (const file of fs.readdirSync(cache.dir).filter((f) => f.endsWith(".out"))) fs.writeFileSync(path.join(cache.dir, file), "torn");
    const rebuilt = bundleHandler({ entry }, cache);
    expect(rebuilt).toMatchObject({ fromCache: false, sha256: good.sha256 });
  });
});

/**
 * Bundles the worker with esbuild exactly as app-code/worker/Dockerfile does (same entry, flags), so tests and
 * the bench run the file the image would run. Target node20 here because this machine runs Node 20; the image
 * targets node22.
 */
import * as path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..");

export async function bundleWorker(outfile: string, target = "node20"): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, "app-code/worker/src/main.ts")],
    bundle: true,
    platform: "node",
    target,
    sourcemap: true,
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

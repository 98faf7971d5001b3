/**
 * Bundles the worker with esbuild exactly as app-code/worker/Dockerfile does (same entry, flags), so tests and
 * the bench run the file the image would run. Target node20 here because this machine runs Node 20; the image
 * targets node22.
 */
import * as path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..");

/** `entry` (relative to the project) defaults to the image's entry; the chaos tool bundles its recording worker. */
export async function bundleWorker(outfile: string, target = "node20", entry = "app-code/worker/src/main.ts"): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: "node",
    target,
    sourcemap: true,
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

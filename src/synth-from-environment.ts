import { createApp } from "./app";
import { settingsFromEnvironment } from "./settings";

/**
 * What `main.ts` does, as a function tests can call: reads and validates the settings (cdktf.json's context as
 * `cdktf synth` passes it, and the `QS_*` variables), then synthesizes every stack into `CDKTF_OUTDIR` (else
 * `cdktf.out`). Settings are validated before the App exists, because the App constructor already creates the
 * output folder: bad settings leave nothing behind. Returns the exit code.
 */
export function synthFromEnvironment(
  env: Record<string, string | undefined>,
  reportError: (message: string) => void = console.error,
  projectDir?: string,
): number {
  const settings = settingsFromEnvironment(env, reportError, projectDir);
  if (settings === undefined) return 1;
  createApp(settings, { outdir: env.CDKTF_OUTDIR }).synth();
  return 0;
}

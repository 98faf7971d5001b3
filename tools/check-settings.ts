import { settingsFromEnvironment } from "../src/settings";

/**
 * `npm run synth` (and `diff`, `deploy`, `destroy`) run this before the cdktf CLI, so bad settings are reported once:
 * cdktf-cli 0.21 echoes each line an app writes (stdout and stderr alike) as it comes and, on a non-zero exit,
 * prints the whole output again, and no exit path of the app avoids that (with exit code 0 the CLI would go on
 * with a previous synth's manifest). Reads the settings exactly as main.ts does; prints nothing when they are valid.
 */
process.exitCode = settingsFromEnvironment(process.env, (message) => console.error(message)) === undefined ? 1 : 0;

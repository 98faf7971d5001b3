import { synthFromEnvironment } from "./src/synth-from-environment";

process.exitCode = synthFromEnvironment(process.env);

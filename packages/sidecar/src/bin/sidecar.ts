/** `slipstream sidecar --config FILE` as its own entry (the `slipstream` CLI runs `runSidecar` the same way). */
import { runSidecar } from '../runSidecar';

void runSidecar(process.argv.slice(2)).then((code) => process.exit(code));

/** Entry of the `slipstream` CLI (`demos/bin/slipstream.js` runs it through tsx). */
import { runCli } from './runCli';

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});

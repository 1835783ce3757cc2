/** Entry of the `slipstream` command (`bin/slipstream.js` runs it: the build, or the sources through tsx in the repository). */
import { COMMANDS } from './COMMANDS';
import { repoCommands } from './repoCommands';
import { runMain } from './runMain';

void repoCommands()
  .then((repo) =>
    runMain(process.argv.slice(2), [...repo, ...COMMANDS], {
      io: { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) },
      onSignal: (signal, handler) => {
        process.on(signal, handler);
        return () => void process.off(signal, handler);
      },
    }),
  )
  .then((code) => {
    // process.exit runs the exit hooks that kill child processes still alive (testkit's forks).
    process.exit(code);
  });

#!/usr/bin/env node
// The `slipstream` command. Installed, it runs the build (`dist/`). In the repository (its sources
// are there), it runs them through tsx, as `node --import tsx` would: its CommonJS and ES module
// hooks both, since commands load their implementations on use with `import()`; the repo's
// tsconfig is named so that decorators compile and `@slipstream/*` resolves to the sources (its
// `paths`) from any working directory.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const sources = path.join(__dirname, '..', 'src', 'main.ts');
if (!existsSync(sources)) {
  require('../dist/main.js');
} else {
  process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', '..', 'tsconfig.json');
  import('tsx').then(
    () => require(sources),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

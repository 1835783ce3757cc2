#!/usr/bin/env node
// The `slipstream` command. It runs the TypeScript sources through tsx (no build step inside the
// monorepo), as `node --import tsx` would: its CommonJS and ES module hooks both, since commands
// load their implementations on use with `import()`. The repo's tsconfig is named explicitly so
// that decorators compile and `@slipstream/*` resolves to the sources (its `paths`) from any
// working directory.
'use strict';
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', '..', 'tsconfig.json');
import('tsx').then(
  () => require('../src/main.ts'),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

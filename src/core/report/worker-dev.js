// Development entry for report workers when the core runs from TypeScript sources (tests, `tsx`):
// worker threads do not inherit the parent's TypeScript loader, so register it here first.
// Bundled builds use dist/report-worker.js instead.
require('tsx/cjs');
module.exports = require('./worker.ts');

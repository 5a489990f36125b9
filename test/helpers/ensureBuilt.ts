// Mocha global setup: the CLI tests run the compiled CLI (dist/), as `npm run <command>` does, so
// dist/ is rebuilt first when a source changed since the last build.
const { ensureBuilt } = require("../../scripts/build.js") as { ensureBuilt: () => void };

export function mochaGlobalSetup(): void {
    ensureBuilt();
}

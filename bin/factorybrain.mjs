#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so the CLI, the tests and the headless host run one code base.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));

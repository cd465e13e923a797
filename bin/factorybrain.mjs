#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so the CLI, the tests and the headless host run one code base.
import { register } from 'tsx/esm/api';

register();
const args = process.argv.slice(2);
const { hasRuntimeV8Flags, rerunWithRuntimeV8Flags } = await import('../main/v8-flags.ts');
if (args[0] === 'serve' && !hasRuntimeV8Flags()) {
  // The host of the runtime needs V8 flags that only a process start can set (main/v8-flags.ts).
  process.exitCode = await rerunWithRuntimeV8Flags(import.meta.filename, args);
} else {
  const { main } = await import('../main/cli/index.ts');
  process.exitCode = await main(args);
}

#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');

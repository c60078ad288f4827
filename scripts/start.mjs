#!/usr/bin/env node
// `npm start`: build, then open the Electron studio; where no Electron binary can be had
// (an offline machine), say so in one line and start the browser host instead.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

run([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);

let binary = electronBinary();
if (!binary && existsSync(join(root, 'node_modules/electron/install.js'))) {
  // npm does not run Electron's download script by default (allowScripts); try it once here.
  spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: join(root, 'node_modules/electron'), stdio: 'ignore', timeout: 120_000 });
  binary = electronBinary();
}

if (binary) {
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('Electron binary not available (it could not be downloaded: offline?); starting the browser host instead.');
  const child = spawn(process.execPath, [join(root, 'bin/convscope.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

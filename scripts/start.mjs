#!/usr/bin/env node
// `npm start`: build, then open the Electron studio. Where Electron cannot run here — no display, root
// (Chromium's sandbox refuses it), no binary and none can be downloaded (offline), or it exits as it
// starts — say why in one line and start the browser host instead, which prints the studio's URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVite = join(root, 'node_modules/electron-vite/bin/electron-vite.js');
const electronInstall = join(root, 'node_modules/electron/install.js');
/** Offline, the download fails at once (DNS); this bounds a network that swallows packets. */
const DOWNLOAD_TIMEOUT_MS = 60_000;
/** Electron exiting with an error within this time never showed the studio: fall back. */
const STARTUP_WINDOW_MS = 15_000;

let child = null;
/** Set once the user asked to stop (Ctrl-C, kill): then nothing falls back, everything ends. */
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping = true;
    if (child) child.kill(signal);
    else process.exit(130);
  });
}

/** Builds the app (`renderer`: only the page, all the browser host serves). Exits on failure. */
function build(only) {
  const env = only ? { ...process.env, CONVSCOPE_BUILD: only } : process.env;
  const result = spawnSync(process.execPath, [electronVite, 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit', env });
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

/** Why Electron cannot start in this session, before trying (null: it may). */
function sessionProblem() {
  const problems = [];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) problems.push('no display: DISPLAY and WAYLAND_DISPLAY are unset');
  if (process.platform !== 'win32' && process.getuid?.() === 0) problems.push("running as root, where Chromium's sandbox refuses to start");
  // Not fetched when it could not run anyway; said so the user knows what else is missing.
  if (problems.length && !electronBinary()) problems.push('and the Electron binary is not downloaded yet');
  return problems.length ? problems.join('; ') : null;
}

/** The first line of an error report that says what went wrong (no stack frames, no log prefixes). */
function firstReason(text) {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]*\]\s*/, '').trim())
    .filter((line) => line && !line.startsWith('at '));
  const line = lines.find((candidate) => /error|fatal|missing|cannot|not supported|denied/i.test(candidate)) ?? lines.at(-1);
  return line?.replace(/^\w*Error:\s*/, '');
}

/** npm does not run Electron's download script (allowScripts): fetch the binary once here. */
function fetchElectron() {
  if (!existsSync(electronInstall)) return { binary: null, reason: 'the electron package is not installed (run npm ci)' };
  console.log('Fetching the Electron binary (first start)…');
  const result = spawnSync(process.execPath, [electronInstall], {
    cwd: dirname(electronInstall),
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  const binary = electronBinary();
  if (binary) return { binary, reason: null };
  const why = result.error?.code === 'ETIMEDOUT' ? `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s` : (firstReason(result.stderr ?? '') ?? `exit code ${result.status}`);
  return { binary: null, reason: `no Electron binary, and downloading it failed: ${why}; offline? \`node node_modules/electron/install.js\` retries without a time limit` };
}

/** Runs Electron; resolves with a reason if it fails while starting, else exits with it. */
function runElectron(binary) {
  return new Promise((resolve) => {
    child = spawn(binary, [root], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
    let starting = true;
    let held = '';
    // Hold Electron's stderr while it starts: if it dies then, one line says why instead of its noise.
    const started = setTimeout(() => {
      starting = false;
      process.stderr.write(held);
    }, STARTUP_WINDOW_MS);
    child.stderr.on('data', (chunk) => (starting ? (held += chunk) : process.stderr.write(chunk)));
    child.on('error', (error) => {
      clearTimeout(started);
      child = null;
      if (stopping) process.exit(130);
      resolve(`Electron could not be started: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(started);
      child = null;
      if (starting && !stopping && (code !== 0 || signal)) {
        resolve(`Electron exited as it started: ${firstReason(held) ?? (signal ? `signal ${signal}` : `exit code ${code}`)}`);
        return;
      }
      if (starting) process.stderr.write(held);
      process.exit(code ?? (signal ? 128 : 0));
    });
  });
}

function browserHost() {
  child = spawn(process.execPath, [join(root, 'bin/convscope.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

let reason = sessionProblem();
let binary = null;
if (!reason) {
  binary = electronBinary();
  if (!binary) ({ binary, reason } = fetchElectron());
}
if (binary) {
  build();
  reason = await runElectron(binary);
  console.log(`${reason}. Starting the browser host instead.`);
} else {
  console.log(`Electron cannot run here: ${reason}. Starting the browser host instead.`);
  build('renderer');
}
browserHost();

import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { metaPolicy } from './main/csp';
import { ELECTRON_CSP } from './main/electron/security';

/** Writes the one policy of main/csp.ts into the built page (Electron reads the page from file://). */
function contentSecurityPolicyTag(): Plugin {
  return {
    name: 'convscope-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaPolicy(ELECTRON_CSP) }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/electron/index.ts'),
          compute: resolve(__dirname, 'main/host/compute-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: false,
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), contentSecurityPolicyTag()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});

import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { metaPolicy } from './main/csp';
import { ELECTRON_CSP } from './main/electron/security';

/**
 * Writes the one policy of main/csp.ts into the built page as a <meta> tag. Electron serves the page
 * from app://convscope with the full policy as a response header (main/electron/app-protocol.ts);
 * the tag is a second, equal layer there (less frame-ancestors, which a <meta> cannot hold), and the
 * browser host swaps it for its own header.
 */
function contentSecurityPolicyTag(): Plugin {
  return {
    name: 'convscope-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaPolicy(ELECTRON_CSP) }, injectTo: 'head-prepend' }],
  };
}

// `npm start` falling back to the browser host needs only the page: CONVSCOPE_BUILD=renderer skips
// main and preload (scripts/start.mjs).
const rendererOnly = process.env.CONVSCOPE_BUILD === 'renderer';

const config: UserConfig = {
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
};

export default defineConfig(rendererOnly ? { renderer: config.renderer } : config);

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

/**
 * electron-vite 6's CommonJS shim (its esm-shim plugin) prepends `const require =
 * createRequire(import.meta.url)` to every ESM chunk that calls require(…). Our modules that need
 * require declare that same top-level binding; when one keeps the name `require` in a chunk, Node
 * refuses the whole chunk ("Identifier 'require' has already been declared",
 * alex8088/electron-vite#921) — the compute process would die on start. Both bindings are
 * createRequire(import.meta.url) of the same chunk, so the shim's copy is dropped. Any other
 * duplicate CommonJS name fails the build here instead of at run time.
 */
function esmShimWithoutDuplicates(): Plugin {
  const shimRequire = /^const require = __shims_module__\.createRequire\(import\.meta\.url\);\n/m;
  const ownRequire = /^(?:var|let|const) require = createRequire\(import\.meta\.url\);$/m;
  return {
    name: 'convscope-esm-shim-duplicates',
    apply: 'build',
    enforce: 'post', // after electron-vite's own post plugins (they come first in the list)
    renderChunk(code, chunk) {
      const fixed = shimRequire.test(code) && ownRequire.test(code) ? code.replace(shimRequire, '') : code;
      for (const name of ['require', '__filename', '__dirname']) {
        const declarations = fixed.match(new RegExp(`^(?:var|let|const) ${name} =`, 'gm'))?.length ?? 0;
        if (declarations > 1) this.error(`${chunk.fileName}: ${declarations} top-level declarations of ${name} (CommonJS shim collision)`);
      }
      return fixed === code ? null : { code: fixed, map: null };
    },
  };
}

// `npm start` falling back to the browser host needs only the page: CONVSCOPE_BUILD=renderer skips
// main and preload (scripts/start.mjs).
const rendererOnly = process.env.CONVSCOPE_BUILD === 'renderer';

const config: UserConfig = {
  main: {
    plugins: [esmShimWithoutDuplicates()],
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

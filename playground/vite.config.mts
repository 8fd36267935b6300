import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Built into dist/playground by tools/build.mjs; the connector's server serves it (no CDN, no dev server needed).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/playground', import.meta.url)),
    emptyOutDir: true,
    // Sizes are reported by the build; the page is one bundle (React + rjsf + Ajv).
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    rollupOptions: {
      // React libraries mark modules 'use client' for server components; a client-only bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});

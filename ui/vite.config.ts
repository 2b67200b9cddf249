/// <reference types="vitest/config" />
// Vite build of the Actas window (Preact through the automatic JSX runtime
// of Vite 8's built-in Oxc transform, no framework plugin) and the Vitest
// set-up for the unit tests.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    // pdf.js is loaded lazily and its worker is one big file on purpose.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // The pdf.js worker ships as `.mjs`; serve it as `.js` so the webview's
        // asset protocol gives it a JavaScript MIME type whatever it knows of `.mjs`.
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith('.mjs'))
            ? 'assets/[name]-[hash].js'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: { port: 1420, strictPort: true },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});

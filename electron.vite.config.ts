import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for the three parts. `main` has four entries: the Electron shell
// (index), the plain-Node CLI (cli) that runs the headless station, the
// model worker thread (ml-worker) and the online scoring worker thread
// (online-worker).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/electron/main.ts'),
          cli: resolve(__dirname, 'main/cli.ts'),
          // Model training and batch scoring run in worker threads from this file.
          'ml-worker': resolve(__dirname, 'main/core/ml/jobs/worker-entry.ts'),
          // Online anomaly scoring of stored readings runs in a long-lived thread from this file.
          'online-worker': resolve(__dirname, 'main/core/ml/jobs/online-worker-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() packages: bundle zod into it.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      // One bundle of about 600 kB, loaded from this machine, not the internet.
      chunkSizeWarningLimit: 800,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});

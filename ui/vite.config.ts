import { defineConfig } from 'vitest/config';

// The build goes straight into the folder the Go binary embeds
// (internal/webui/dist); scripts/keep-gitkeep.mjs restores the committed
// placeholder that emptyOutDir removes.
export default defineConfig({
  base: '/',
  build: {
    outDir: '../internal/webui/dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/stream': 'http://localhost:8969',
      '/clear': 'http://localhost:8969',
      '/envelope': 'http://localhost:8969',
      '/api': 'http://localhost:8969',
      '/health': 'http://localhost:8969',
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

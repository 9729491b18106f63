import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env['TOLLGATE_DEV_BACKEND'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  // Relative asset URLs: the built console works at `/` and under any sub-path or proxy prefix.
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(
      ['/trpc', '/health', '/admin', '/metrics', '/livez', '/readyz'].map((path) => [path, backend]),
    ),
  },
});

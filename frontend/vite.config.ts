import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      // The backend in development (`python -m backend run`); ANPING_API_URL points elsewhere.
      // '/api/' with the slash: a bare '/api' prefix would also capture the SPA route /api-tokens.
      '/api/': { target: process.env.ANPING_API_URL ?? 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus is imported whole; it lands in its own vendor chunk.
    chunkSizeWarningLimit: 1100,
  },
})

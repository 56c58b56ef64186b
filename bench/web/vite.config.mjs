import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// One React for the page and the app's component (which lives in ../../static-web).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { dedupe: ['react', 'react-dom', '@tanstack/react-virtual'] },
  build: { outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});

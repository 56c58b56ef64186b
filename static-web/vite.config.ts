import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// dist/ is what the LocalHost serves on the API's origin and what Azure Static Web Apps deploys.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});

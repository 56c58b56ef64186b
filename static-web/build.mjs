// Placeholder build until the Vite + TypeScript client lands: dist/ is what the LocalHost and the
// Azure Static Web App serve, so the build copies the static files there.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
cpSync('public', 'dist', { recursive: true });
console.log('static-web: public/ copied to dist/');

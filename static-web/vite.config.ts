import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The Content-Security-Policy lives once, in staticwebapp.config.json (Azure sends it as a header).
// The build also puts it in a <meta> tag so every host, the LocalHost included, enforces it;
// frame-ancestors is header-only and is left out of the tag.
function cspMeta(): Plugin {
  const config = JSON.parse(readFileSync(new URL('./public/staticwebapp.config.json', import.meta.url), 'utf8')) as {
    globalHeaders: Record<string, string>;
  };
  const policy = (config.globalHeaders['Content-Security-Policy'] ?? '')
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !d.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'd3chat-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`),
  };
}

// dist/ is what the LocalHost serves on the API's origin and what Azure Static Web Apps deploys.
export default defineConfig({
  plugins: [react(), cspMeta()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});

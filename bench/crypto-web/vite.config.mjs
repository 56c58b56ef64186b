// Bundles bench.ts (which imports static-web/src/crypto directly) for the browser. No imports here, so
// static-web's Vite can load this config from outside its own folder.
export default {
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', minify: false },
  server: { fs: { allow: ['../..'] } },
};

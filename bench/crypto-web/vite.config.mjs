// Bundles bench.ts (which imports static-web/src/crypto directly) for the browser. No imports here, so
// static-web's Vite can load this config from outside its own folder.
export default {
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  // BENCH_PAGE=compare.html builds the before/after page instead (run.mjs --compare).
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', minify: false, rollupOptions: { input: `${import.meta.dirname}/${process.env.BENCH_PAGE ?? 'index.html'}` } },
  server: { fs: { allow: ['../..'] } },
};

/// <reference types="node" />
// The layout rules of crypto/, checked on the source (a lint in test form): environment-free modules,
// and primitives.ts as the only caller of crypto.subtle / getRandomValues.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const here = new URL('./', import.meta.url);
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.testlib.ts'))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, here), 'utf8') }));

describe('crypto/ boundaries', () => {
  it('has the expected modules', () => {
    expect(sources.map((s) => s.file)).toEqual(
      expect.arrayContaining(['labels.ts', 'bytes.ts', 'primitives.ts', 'keys.ts', 'x3dh.ts', 'ratchet.ts', 'session.ts', 'senderKeys.ts', 'wire.ts', 'safety.ts', 'attachments.ts', 'result.ts', 'stores.ts', 'index.ts']),
    );
  });

  it('imports nothing but its own modules (no DOM, fetch, idb, React, storage/ or api/)', () => {
    for (const { file, text } of sources) {
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[A-Za-z0-9]+$/);
      const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const global of ['window', 'document', 'fetch(', 'indexedDB', 'localStorage', 'console.']) {
        expect(code.includes(global), `${file} uses ${global}`).toBe(false);
      }
    }
  });

  it('only primitives.ts calls crypto.subtle or getRandomValues', () => {
    for (const { file, text } of sources) {
      if (file === 'primitives.ts') continue;
      expect(/\bsubtle\b|getRandomValues/.test(text.replace(/\/\/.*$/gm, '')), file).toBe(false);
    }
  });
});

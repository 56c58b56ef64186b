// The shape of tests/vectors/*.json, shared by the generator and the Vitest checker.

export type Hex = string;

export interface VectorEntry {
  tcId: number;
  comment: string;
  operation: string;
  result: 'valid' | 'invalid';
  reason?: string;
  [field: string]: unknown;
}

export interface VectorFile {
  description: string;
  generatedBy: string;
  notes?: string[];
  numberOfTests: number;
  tests: VectorEntry[];
}

export const GENERATED_BY = 'static-web/vectors/generate.vectors.ts via `npm run vectors -- --overwrite`; do not edit by hand';

/** Vector files and how many entries each holds; the checker asserts every one ran. */
export const EXPECTED_COUNTS: Record<string, number> = {};

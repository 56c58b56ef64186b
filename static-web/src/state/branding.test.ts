import { describe, expect, it } from 'vitest';
import { contrastWithWhite, readableOnWhiteText } from './branding';

const rgb = (hex: string): [number, number, number] => {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

describe('brand colours', () => {
  it('darkens the default light blue until white text on it reaches 4.5:1', () => {
    const out = readableOnWhiteText('#3b82f6');
    expect(out).not.toBeNull();
    expect(contrastWithWhite(rgb(out ?? ''))).toBeGreaterThanOrEqual(4.5);
    expect(out).not.toBe('#3b82f6');
  });
  it('keeps a colour that is already dark enough', () => {
    expect(readableOnWhiteText('#1d4ed8')).toBe('#1d4ed8');
  });
  it('ignores values that are not #rrggbb', () => {
    expect(readableOnWhiteText('blue; background: url(x)')).toBeNull();
  });
});

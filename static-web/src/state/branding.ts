// Server branding picks the colours; the app keeps them readable: 5:1 against white, so that white text on
// the colour and the colour as text on the light grey panels both pass WCAG AA (4.5:1).

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

function luminance([r, g, b]: [number, number, number]): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastWithWhite(rgb: [number, number, number]): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

function parseHex(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (m === null || m[1] === undefined) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The brand colour, darkened just enough for white text; null for something that is not #rrggbb. */
export function readableOnWhiteText(hex: string): string | null {
  let rgb = parseHex(hex);
  if (rgb === null) return null;
  for (let i = 0; i < 40 && contrastWithWhite(rgb) < 5; i++) rgb = [rgb[0] * 0.93, rgb[1] * 0.93, rgb[2] * 0.93].map(Math.floor) as [number, number, number];
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** The neutral header colour used until a council sets its own, and for unusable values. */
export const DEFAULT_BRAND_COLOUR = '#0b0c0c';

/**
 * The council's colour as a CSS colour that white text can sit on: a valid `#rrggbb`,
 * darkened until it reaches the 4.5:1 contrast WCAG asks for text (the header, the
 * notification banner's title bar). Anything that is not a hex colour gives the neutral
 * default, so a setting can never inject CSS.
 */
export function brandColourForText(colour: string): string {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  if (!match?.[1]) return DEFAULT_BRAND_COLOUR;
  const hex =
    match[1].length === 3 ? [...match[1]].map((digit) => digit + digit).join('') : match[1];
  let rgb = [0, 2, 4].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
  // Mixing with black in small steps keeps the hue the council chose.
  while (contrastWithWhite(rgb) < 4.5) rgb = rgb.map((channel) => Math.floor(channel * 0.95));
  return `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/** The luminance contrast ratio of an sRGB colour against white (WCAG 2 formula). */
function contrastWithWhite(rgb: number[]): number {
  const [r = 0, g = 0, b = 0] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05);
}

/** `base × scale`, rounded, and never below `min` (so a scaled-down test still measures something). */
export function scaled(base: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(base * scale));
}

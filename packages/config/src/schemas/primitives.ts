import { z } from 'zod';

/**
 * The longest duration a Node timer keeps, ms (2³¹ − 1, about 24.8 days): a longer one fires
 * after 1 ms (with a `TimeoutOverflowWarning`), so every duration setting is capped here.
 */
export const MAX_TIMER_MS = 2_147_483_647;
/** A duration in whole ms, 0 allowed. */
export const ms = z.number().int().min(0).max(MAX_TIMER_MS);
/** A duration in whole ms, above 0. */
export const positiveMs = z.number().int().positive().max(MAX_TIMER_MS);
/** A whole count above 0. */
export const positiveInt = z.number().int().positive();
/** A whole count, 0 allowed. */
export const count = z.number().int().min(0);
/** A percentage 0..100. */
export const percent = z.number().min(0).max(100);
/** A non-empty name. */
export const name = z.string().min(1);

/** Whether `value` is an http(s) origin: scheme, host, port 1..65535, no path, query or credentials. */
export function isOrigin(value: string): boolean {
  if (!/^https?:\/\/[^/?#@\s]+$/i.test(value) || !URL.canParse(value)) return false;
  return new URL(value).port !== '0';
}

/** An upstream origin, `http://host:port` or `https://host:port` (port 1..65535, no path). */
export const origin = z.string().refine(isOrigin, {
  message: 'an http:// or https:// origin like http://host:8080 (port 1..65535, no path)',
});

/** An absolute request path: starts with `/`, no whitespace or control characters. */
export const urlPath = z.string().refine((p) => p.startsWith('/') && !hasWhitespaceOrControl(p), {
  message: 'a path starting with / without spaces or control characters',
});

/** Whether `text` holds a space, a tab, CR, LF or another control character (they cannot travel in a request line or header). */
export function hasWhitespaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Request-body compression. */
export const compression = z.enum(['none', 'gzip', 'br']);

// The studio page's Content Security Policy, for both hosts: only its own scripts, no inline or
// remote code, no plugins, no framing. Hosts differ only in where images and the API come from.
export function contentSecurityPolicy(extra: { images?: string[]; connect?: string[] }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data: blob:", ...(extra.images ?? [])].join(' '),
    ["connect-src 'self'", ...(extra.connect ?? [])].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

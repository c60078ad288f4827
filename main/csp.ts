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

// The build writes the policy into the page as a <meta> tag: Electron serves the page from
// app://convscope with the full policy as a header too (main/electron/app-protocol.ts), and the
// browser host swaps the tag for its own header. A <meta> policy may not hold frame-ancestors
// (browsers ignore it there with a warning).
const META_CSP = /<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>\s*/;

/** The policy as a <meta> tag may carry it. */
export function metaPolicy(policy: string): string {
  return policy
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}

/** The page without its <meta> policy: the browser host sends its own policy as a header instead. */
export function withoutCspMetaTag(html: string): string {
  return html.replace(META_CSP, '');
}

/** The <meta> policy a page carries, if any (the build writes quotes as &#39;). */
export function cspOfPage(html: string): string | null {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  return content === undefined ? null : content.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/**
 * A data: URL as a blob: URL. CSS backgrounds repeat their URL per element, and fetch() of a data:
 * URL is outside the CSP's connect-src, so decode the base64 by hand.
 */
export function dataUrlToObjectUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(',');
  const header = dataUrl.slice(5, comma);
  const mime = header.split(';')[0] || 'application/octet-stream';
  const payload = dataUrl.slice(comma + 1);
  const bytes = header.endsWith(';base64')
    ? Uint8Array.from(atob(payload), (char) => char.charCodeAt(0))
    : new TextEncoder().encode(decodeURIComponent(payload));
  return URL.createObjectURL(new Blob([bytes], { type: mime }));
}

/** Decodes an image URL into an element that Konva and canvases can draw. */
export async function loadImage(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  await image.decode();
  return image;
}

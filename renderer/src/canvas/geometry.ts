// Pure layout helpers for the canvas (no Konva), testable in node.

/** The largest rectangle of the frame's aspect centred inside width × height. */
export function containBox(frameWidth: number, frameHeight: number, width: number, height: number): { x: number; y: number; width: number; height: number } {
  if (!frameWidth || !frameHeight) return { x: 0, y: 0, width, height };
  const frameAspect = frameWidth / frameHeight;
  if (Math.abs(frameAspect - width / height) < 0.02) return { x: 0, y: 0, width, height };
  const scale = Math.min(width / frameWidth, height / frameHeight);
  const fitted = { width: frameWidth * scale, height: frameHeight * scale };
  return { x: (width - fitted.width) / 2, y: (height - fitted.height) / 2, ...fitted };
}

/** Wheel zoom: a mouse notch (deltaY ±100 px) zooms 1.2×; wheels that report lines or pages are scaled to pixels. */
const WHEEL_ZOOM_PER_PIXEL = Math.log(1.2) / 100;
/** Trackpad pinch arrives as ctrl+wheel with small deltas: more zoom per pixel, so a pinch feels direct. */
const PINCH_ZOOM_PER_PIXEL = Math.log(1.2) / 12;
const LINE_PIXELS = 33;
const PAGE_PIXELS = 800;
/** One event never zooms more than this (a fast wheel spin, a page-mode wheel). */
const MAX_EVENT_FACTOR = 4;

/** How much one wheel event zooms: exp(−deltaY·k), around the pointer; > 1 zooms in. */
export function wheelZoomFactor(deltaY: number, deltaMode = 0, pinch = false): number {
  const pixels = deltaY * (deltaMode === 1 ? LINE_PIXELS : deltaMode === 2 ? PAGE_PIXELS : 1);
  const factor = Math.exp(-pixels * (pinch ? PINCH_ZOOM_PER_PIXEL : WHEEL_ZOOM_PER_PIXEL));
  return Math.max(1 / MAX_EVENT_FACTOR, Math.min(MAX_EVENT_FACTOR, factor));
}

/** From this zoom on, map layers are drawn without smoothing: each map pixel is a sharp square. */
export const PIXEL_ZOOM = 4;

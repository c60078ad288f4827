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

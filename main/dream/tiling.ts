import type { FloatImage } from './float-image';

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Cuts [0, length) into consecutive segments of `tile`; a last segment shorter than `minSize`
 * joins its neighbour (the network cannot see less), so every position lies in exactly one.
 */
export function splitAxis(length: number, tile: number, minSize: number): [start: number, size: number][] {
  const step = Math.max(1, Math.max(tile, minSize));
  const segments: [number, number][] = [];
  for (let start = 0; start < length; start += step) segments.push([start, Math.min(step, length - start)]);
  if (segments.length > 1 && segments[segments.length - 1][1] < minSize) {
    const [, lastSize] = segments.pop()!;
    segments[segments.length - 1][1] += lastSize;
  }
  return segments;
}

/** Tiles (in rolled coordinates) that cover a width×height image exactly once. */
export function planTiles(width: number, height: number, tile: number, minSize: number): Tile[] {
  const tiles: Tile[] = [];
  for (const [y, h] of splitAxis(height, tile, minSize)) {
    for (const [x, w] of splitAxis(width, tile, minSize)) tiles.push({ x, y, width: w, height: h });
  }
  return tiles;
}

/** A circular shift: rolled(y, x) = image((y + dy) mod H, (x + dx) mod W). */
export interface Roll {
  dx: number;
  dy: number;
}

/** Copies one tile of the rolled image (without materialising the rolled image). */
export function readRolledTile(image: FloatImage, tile: Tile, roll: Roll): Float32Array {
  const { width, height, data } = image;
  const out = new Float32Array(tile.width * tile.height * 3);
  for (let ty = 0; ty < tile.height; ty++) {
    const sy = (tile.y + ty + roll.dy) % height;
    let o = ty * tile.width * 3;
    for (let tx = 0; tx < tile.width; tx++) {
      const s = (sy * width + ((tile.x + tx + roll.dx) % width)) * 3;
      out[o++] = data[s];
      out[o++] = data[s + 1];
      out[o++] = data[s + 2];
    }
  }
  return out;
}

/** target += weight · values at the tile's un-rolled positions. */
export function addRolledTile(
  target: Float32Array,
  width: number,
  height: number,
  tile: Tile,
  roll: Roll,
  values: ArrayLike<number>,
  weight: number,
): void {
  for (let ty = 0; ty < tile.height; ty++) {
    const sy = (tile.y + ty + roll.dy) % height;
    let o = ty * tile.width * 3;
    for (let tx = 0; tx < tile.width; tx++) {
      const s = (sy * width + ((tile.x + tx + roll.dx) % width)) * 3;
      target[s] += weight * values[o++];
      target[s + 1] += weight * values[o++];
      target[s + 2] += weight * values[o++];
    }
  }
}

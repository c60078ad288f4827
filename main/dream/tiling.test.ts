import { describe, expect, it } from 'vitest';
import { addRolledTile, planTiles, readRolledTile, splitAxis } from './tiling';

function coverage(width: number, height: number, tile: number, minSize: number): Uint32Array {
  const hits = new Uint32Array(width * height);
  for (const t of planTiles(width, height, tile, minSize)) {
    for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) hits[y * width + x]++;
  }
  return hits;
}

describe('planTiles', () => {
  const cases: [number, number, number, number][] = [
    [512, 512, 512, 75],
    [1000, 777, 512, 75], // odd sizes, remainders 488 and 265
    [1100, 1030, 512, 75], // remainders 76 (kept) and 6 (merged)
    [300, 200, 512, 75], // tile larger than the image
    [97, 131, 64, 75], // tile smaller than the model's minimum
    [5120, 2880, 512, 75],
    [33, 9, 8, 8],
  ];
  for (const [w, h, tile, min] of cases) {
    it(`covers ${w}×${h} (tile ${tile}, min ${min}) exactly once, no tile under the minimum`, () => {
      const hits = coverage(w, h, tile, min);
      expect(hits.every((n) => n === 1)).toBe(true);
      for (const t of planTiles(w, h, tile, min)) {
        expect(t.width).toBeGreaterThanOrEqual(Math.min(w, min));
        expect(t.height).toBeGreaterThanOrEqual(Math.min(h, min));
        expect(t.x + t.width).toBeLessThanOrEqual(w);
        expect(t.y + t.height).toBeLessThanOrEqual(h);
      }
    });
  }

  it('merges a short last segment into its neighbour and keeps a long enough one', () => {
    expect(splitAxis(1030, 512, 75)).toEqual([[0, 512], [512, 518]]);
    expect(splitAxis(1100, 512, 75)).toEqual([[0, 512], [512, 512], [1024, 76]]);
    expect(splitAxis(300, 512, 75)).toEqual([[0, 300]]);
    expect(splitAxis(200, 64, 75)).toEqual([[0, 75], [75, 125]]);
  });
});

describe('rolled tiles', () => {
  it('give every pixel gradient exactly once per step, whatever the roll', () => {
    const width = 37;
    const height = 23;
    const image = { data: new Float32Array(width * height * 3), width, height };
    for (let i = 0; i < image.data.length; i++) image.data[i] = i;
    for (const roll of [{ dx: 0, dy: 0 }, { dx: 5, dy: 17 }, { dx: 36, dy: 22 }]) {
      const hits = new Float32Array(image.data.length);
      const seen = new Float32Array(image.data.length);
      for (const tile of planTiles(width, height, 16, 8)) {
        const values = readRolledTile(image, tile, roll);
        addRolledTile(hits, width, height, tile, roll, new Float32Array(values.length).fill(1), 1);
        addRolledTile(seen, width, height, tile, roll, values, 1);
      }
      expect(hits.every((n) => n === 1)).toBe(true);
      // Un-rolling puts every value back where it was read from.
      expect(Array.from(seen)).toEqual(Array.from(image.data));
    }
  });

  it('reads the circularly shifted image (np.roll by −d)', () => {
    const image = { data: Float32Array.from({ length: 4 * 3 }, (_, i) => Math.floor(i / 3)), width: 4, height: 1 };
    const tile = readRolledTile(image, { x: 0, y: 0, width: 4, height: 1 }, { dx: 1, dy: 0 });
    expect(Array.from(tile.filter((_, i) => i % 3 === 0))).toEqual([1, 2, 3, 0]);
  });
});

// The CLI's --layers syntax (the studio's layers field shares its parser: preload/layer-list.ts).
import { describe, expect, it } from 'vitest';
import { dreamSpec } from '../../preload/contract';
import { parseLayers } from './parse';

describe('--layers', () => {
  it('reads layer:weight lists, weight 1 when left out', () => {
    expect(parseLayers('mixed3:1,mixed5:1.5')).toEqual([
      { name: 'mixed3', weight: 1 },
      { name: 'mixed5', weight: 1.5 },
    ]);
    expect(parseLayers('mixed4')).toEqual([{ name: 'mixed4', weight: 1 }]);
    expect(parseLayers('mixed3:-2, mixed5')).toEqual([
      { name: 'mixed3', weight: -2 },
      { name: 'mixed5', weight: 1 },
    ]);
  });

  it('names the part that is not layer or layer:weight', () => {
    expect(() => parseLayers('mixed3:x,mixed5')).toThrow('--layers: "mixed3:x" is not layer or layer:weight');
    expect(() => parseLayers('mixed3,a b')).toThrow('--layers: "a b" is not layer or layer:weight');
  });

  it('leaves weights out of range to dreamSpec, which names the field', () => {
    const layers = parseLayers('mixed3:500');
    expect(layers).toEqual([{ name: 'mixed3', weight: 500 }]);
    const parsed = dreamSpec.safeParse({ path: '/p.jpg', layers });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['layers', 0, 'weight']);
  });
});

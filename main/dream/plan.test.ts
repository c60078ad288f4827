import { describe, expect, it } from 'vitest';
import { dreamSpec } from '../../preload/contract';
import { dreamPlan, workingSize } from './plan';

const inception = { name: 'InceptionV3', minSize: 75 };

describe('dreamPlan', () => {
  it('fits the photo inside maxSize and never enlarges it', () => {
    expect(workingSize({ width: 6000, height: 4000 }, 512)).toEqual({ width: 512, height: 341 });
    expect(workingSize({ width: 300, height: 4000 }, 512)).toEqual({ width: 38, height: 512 });
    expect(workingSize({ width: 300, height: 200 }, 512)).toEqual({ width: 300, height: 200 });
    expect(workingSize({ width: 6000, height: 4000 }, 0)).toEqual({ width: 6000, height: 4000 });
  });

  it('lists octaves smallest first, ending at the working size', () => {
    const spec = dreamSpec.parse({ path: 'x.jpg', octaves: 4, octaveScale: 1.4, steps: 10, maxSize: 512 });
    const plan = dreamPlan(inception, { width: 1024, height: 768 }, spec);
    expect(plan.working).toEqual({ width: 512, height: 384 });
    expect(plan.octaves).toEqual([
      { width: 187, height: 140 },
      { width: 261, height: 196 },
      { width: 366, height: 274 },
      { width: 512, height: 384 },
    ]);
    expect(plan.totalSteps).toBe(40);
    expect(plan.notes).toEqual([]);
  });

  it('clamps octaves so the smallest side stays at least minSize, with a note', () => {
    const spec = dreamSpec.parse({ path: 'x.jpg', octaves: 8, octaveScale: 2, steps: 5, maxSize: 0 });
    const plan = dreamPlan(inception, { width: 640, height: 320 }, spec);
    expect(plan.octaves.map((o) => o.height)).toEqual([80, 160, 320]);
    expect(plan.totalSteps).toBe(15);
    expect(plan.notes[0]).toMatch(/Octaves reduced from 8 to 3.*75 px.*InceptionV3/);
  });

  it('refuses an image smaller than the model minimum, naming both sizes', () => {
    const spec = dreamSpec.parse({ path: 'x.jpg' });
    expect(() => dreamPlan(inception, { width: 200, height: 60 }, spec)).toThrow(/200×60 px; InceptionV3 needs at least 75 px/);
  });
});

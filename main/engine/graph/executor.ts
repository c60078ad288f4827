// Runs a compiled unit graph: computes only what the requested outputs need, can start from
// seeded values at any member, frees intermediates as soon as they are consumed (outside a tape).
import * as tf from '@tensorflow/tfjs';
import type { Unit } from './unit';

export interface Location {
  unit: number;
  member: number;
}

export class Executor {
  private readonly locations = new Map<string, Location>();
  private readonly unitIndex = new Map<string, number>();
  readonly consumers: number[][];

  /** `aliases` name other values, e.g. LOGITS → the classifier layer when it has no softmax. */
  constructor(readonly units: Unit[], aliases: Record<string, string> = {}) {
    units.forEach((unit, u) => {
      this.unitIndex.set(unit.name, u);
      unit.members.forEach((member, m) => this.locations.set(member, { unit: u, member: m }));
    });
    for (const [alias, target] of Object.entries(aliases)) {
      const at = this.locations.get(target);
      if (at && !this.locations.has(alias)) this.locations.set(alias, at);
    }
    this.consumers = units.map(() => []);
    units.forEach((unit, u) => unit.inputs.forEach((input) => this.consumers[this.unitIndex.get(input)!].push(u)));
  }

  locate(name: string): Location | undefined {
    return this.locations.get(name);
  }

  inputUnits(u: number): number[] {
    return this.units[u].inputs.map((name) => this.unitIndex.get(name)!);
  }

  /** Units needed to compute `targets`, walking back from them and stopping at seeded units. */
  needed(targets: Location[], seeded: Set<number>): Set<number> {
    const need = new Set<number>();
    const stack = targets.map((t) => t.unit);
    while (stack.length) {
      const u = stack.pop()!;
      if (need.has(u)) continue;
      need.add(u);
      if (!seeded.has(u)) stack.push(...this.inputUnits(u));
    }
    return need;
  }

  /** All units downstream of `u` (excluding u). */
  descendants(u: number): Set<number> {
    const out = new Set<number>();
    const stack = [...this.consumers[u]];
    while (stack.length) {
      const v = stack.pop()!;
      if (out.has(v)) continue;
      out.add(v);
      stack.push(...this.consumers[v]);
    }
    return out;
  }

  /**
   * Computes `targets` (member names, already validated) from `seeds` (member name → value).
   * Returned tensors are new (never a seed object). Outside a gradient tape every intermediate is
   * freed; under a tape the engine owns them.
   */
  evaluate(targets: string[], seeds: Map<string, tf.Tensor>, guided: boolean): Record<string, tf.Tensor> {
    const taped = tf.engine().state.gradientDepth > 0;
    const seedAt = new Map<number, { member: number; value: tf.Tensor }>();
    for (const [name, value] of seeds) {
      const at = this.locations.get(name)!;
      seedAt.set(at.unit, { member: at.member, value });
    }
    const targetLocs = targets.map((t) => this.locations.get(t)!);
    const need = this.needed(targetLocs, new Set(seedAt.keys()));
    const wanted = new Map<number, boolean[]>();
    const wantedOf = (u: number) => {
      let w = wanted.get(u);
      if (!w) wanted.set(u, (w = this.units[u].members.map(() => false)));
      return w;
    };
    const refs = new Map<number, number>();
    for (const u of need) {
      if (seedAt.has(u)) continue;
      for (const v of this.inputUnits(u)) {
        refs.set(v, (refs.get(v) ?? 0) + 1);
        const w = wantedOf(v);
        w[w.length - 1] = true;
      }
    }
    targetLocs.forEach((t) => (wantedOf(t.unit)[t.member] = true));

    const run = (): Record<string, tf.Tensor> => {
      const values = new Map<number, tf.Tensor>();
      const results: Record<string, tf.Tensor> = {};
      const protectedTensors = new Set<tf.Tensor>(seeds.values());
      const order = [...need].sort((a, b) => a - b);
      for (const u of order) {
        const unit = this.units[u];
        const last = unit.members.length - 1;
        const w = wantedOf(u);
        let outs: (tf.Tensor | undefined)[];
        const seed = seedAt.get(u);
        if (seed) {
          outs = [];
          outs[seed.member] = seed.value;
          if (w[last] || last === seed.member) outs[last] = unit.resume(seed.member, seed.value, guided);
        } else {
          outs = unit.forward(this.inputUnits(u).map((v) => values.get(v)!), w, guided);
        }
        if (outs[last]) values.set(u, outs[last]!);
        targets.forEach((target, i) => {
          if (targetLocs[i].unit !== u) return;
          const t = outs[targetLocs[i].member]!;
          const result = protectedTensors.has(t) ? t.clone() : t;
          results[target] = result;
          protectedTensors.add(result);
        });
        if (!taped) {
          // Members computed but not wanted (e.g. a fused unit's pre-activation).
          outs.forEach((t, m) => {
            if (t && !w[m] && t !== outs[last] && !protectedTensors.has(t)) t.dispose();
          });
          for (const v of this.inputUnits(u)) {
            const left = refs.get(v)! - 1;
            refs.set(v, left);
            const t = values.get(v)!;
            if (left === 0 && !protectedTensors.has(t)) t.dispose();
          }
        }
      }
      return results;
    };
    return taped ? run() : tf.tidy(run);
  }
}

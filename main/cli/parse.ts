// Parsers for CLI option values; each throws a UsageError that names the option.
import { parseLayerList, type LayerWeight } from '../../preload/layer-list';
import { UsageError } from './errors';

export function parseNumber(option: string, { min = -Infinity, max = Infinity, integer = false } = {}) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || (integer && !Number.isInteger(number)) || number < min || number > max) {
      const kind = integer ? 'a whole number' : 'a number';
      throw new UsageError(`${option} must be ${kind} from ${min} to ${max} (got "${value}")`);
    }
    return number;
  };
}

/**
 * "mixed3:1,mixed5:1.5" → [{ name: 'mixed3', weight: 1 }, { name: 'mixed5', weight: 1.5 }] (weight
 * defaults to 1). Weights out of range and too many layers are left to dreamSpec, which names them.
 */
export function parseLayers(value: string): LayerWeight[] {
  const { layers, problems } = parseLayerList(value);
  const unreadable = problems.find((problem) => problem.kind === 'syntax' || problem.kind === 'not-a-number');
  if (unreadable) throw new UsageError(`--layers: "${unreadable.part}" is not layer or layer:weight`);
  return layers;
}

/** "mixed4:12" → { layer: 'mixed4', index: 12 } */
export function parseChannel(value: string): { layer: string; index: number } {
  const match = /^(.+):(\d+)$/.exec(value.trim());
  if (!match) throw new UsageError(`--channel must be <layer>:<channel number> (got "${value}")`);
  return { layer: match[1], index: Number(match[2]) };
}

/** "-1,1" → [-1, 1] */
export function parseRange(value: string): [number, number] {
  const parts = value.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 2 || parts.some((part) => !Number.isFinite(part)) || parts[0] >= parts[1]) {
    throw new UsageError(`--input-range must be <min>,<max> with min < max (got "${value}")`);
  }
  return [parts[0], parts[1]];
}

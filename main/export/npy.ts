// NumPy .npy (format version 1.0) for float32 arrays: magic, version, little-endian header length,
// a Python dict literal padded with spaces to a 64-byte boundary, then the raw '<f4' data.
import { writeFileAtomic, type WriteOptions } from './atomic';

export const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  if (!shape.every((n) => Number.isInteger(n) && n >= 0)) throw new RangeError(`bad shape [${shape.join(', ')}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = NPY_MAGIC.length + 2 + 2 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new RangeError('shape too long for .npy v1.0');
  const out = Buffer.alloc(NPY_MAGIC.length + 4 + header.length + data.length * 4);
  NPY_MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  let at = 10 + header.length;
  for (const value of data) {
    out.writeFloatLE(value, at);
    at += 4;
  }
  return out;
}

export function writeNpy(target: string, data: Float32Array, shape: readonly number[], options: WriteOptions = {}): Promise<void> {
  return writeFileAtomic(target, encodeNpy(data, shape), options);
}

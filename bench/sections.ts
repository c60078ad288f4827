// Bench sections, run in order; each returns flat keys for the one JSON object. Add yours here.
import { engineSection, type BenchOptions } from './engine';
import { thumbnailBench } from './thumbnails';

export type { BenchOptions };

export interface BenchSection {
  name: string;
  run(options: BenchOptions): Promise<Record<string, number | string>>;
}

export const sections: BenchSection[] = [
  { name: 'engine', run: engineSection },
  { name: 'thumbnails', run: () => thumbnailBench() },
];

// The captions over the two sides of a swipe compare (heatmap A | B, or dream | original).
import { useShallow } from 'zustand/react/shallow';
import { compareLabel } from '../lib/heatmapLabels';
import { useStudio } from '../store';
import { dreamSideLabel } from '../store/dream';

export function HeatCompareLabels() {
  const s = useStudio(
    useShallow((state) => ({
      labelA: state.heatmap ? compareLabel(state.heatmap, state.pinnedB) : '',
      labelB: state.pinnedB ? compareLabel(state.pinnedB, state.heatmap) : '',
    })),
  );
  return (
    <div className="compare-labels" data-testid="compare-labels">
      <span className="compare-label" data-testid="compare-label-a">
        A · {s.labelA}
      </span>
      <span className="compare-label" data-testid="compare-label-b">
        B · {s.labelB}
      </span>
    </div>
  );
}

export function DreamCompareLabels() {
  const left = useStudio((state) => dreamSideLabel(state.dreamLabel, state.frameIndex));
  return (
    <div className="compare-labels" data-testid="dream-compare-labels">
      <span className="compare-label" data-testid="dream-compare-label-dream">
        {left}
      </span>
      <span className="compare-label" data-testid="dream-compare-label-original">
        original
      </span>
    </div>
  );
}

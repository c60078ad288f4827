import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import type { FeatureMapsResult } from '../../../preload/contract';
import { Section } from '../chrome/Section';
import { JobProgress } from '../chrome/StatusBar';
import { dataUrlToObjectUrl } from '../lib/dataUrl';
import { useElementSize } from '../lib/hooks';
import { useStudio } from '../store';
import { FEATURE_TILE_SIZES, type FeatureSort } from '../store/explain';
import { selectedPhotoProblem } from '../store/library';
import { LayerSelect } from './LayerSelect';

const GAP = 4;
const TILE_LABELS: Record<number, string> = { 36: 'Small', 52: 'Medium', 80: 'Large', 120: 'Huge' };

export function sortedChannels(result: FeatureMapsResult, sort: FeatureSort): number[] {
  const order = Array.from({ length: result.channels }, (_, channel) => channel);
  if (sort === 'mean-desc') order.sort((a, b) => (result.means[b] ?? 0) - (result.means[a] ?? 0));
  if (sort === 'mean-asc') order.sort((a, b) => (result.means[a] ?? 0) - (result.means[b] ?? 0));
  return order;
}

function FeatureGrid({ result, sort, tile: TILE }: { result: FeatureMapsResult; sort: FeatureSort; tile: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(scrollRef);
  const { selected, selectChannel } = useStudio(useShallow((state) => ({ selected: state.selectedChannel, selectChannel: state.selectChannel })));
  const [atlasUrl, setAtlasUrl] = useState<string | null>(null);
  useEffect(() => {
    const url = dataUrlToObjectUrl(result.atlasPng);
    setAtlasUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [result.atlasPng]);

  const order = useMemo(() => sortedChannels(result, sort), [result, sort]);
  const columns = Math.max(1, Math.floor((width + GAP) / (TILE + GAP)));
  const tileHeight = Math.max(8, Math.round((TILE * result.mapHeight) / result.mapWidth));
  const atlasRows = Math.ceil(result.channels / result.atlasColumns);
  const rowHeight = tileHeight + GAP;
  const virtualizer = useVirtualizer({
    count: Math.ceil(order.length / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 4,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  return (
    <div
      ref={scrollRef}
      className="feature-grid"
      data-testid="feature-grid"
      data-columns={columns}
      style={{ height: Math.min(Math.max(280, rowHeight * 3 + 8), Math.ceil(order.length / columns) * rowHeight + 8) }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="feature-row"
            style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, ${TILE}px)`, gap: GAP }}
          >
            {order.slice(row.index * columns, row.index * columns + columns).map((channel) => {
              const column = channel % result.atlasColumns;
              const atlasRow = Math.floor(channel / result.atlasColumns);
              return (
                <button
                  key={channel}
                  className={`feature-tile${channel === selected ? ' selected' : ''}`}
                  data-testid={`feature-tile-${channel}`}
                  data-channel={channel}
                  title={`Channel ${channel} · mean ${(result.means[channel] ?? 0).toPrecision(3)}`}
                  aria-pressed={channel === selected}
                  onClick={() => selectChannel(channel === selected ? null : channel)}
                  style={{
                    width: TILE,
                    height: tileHeight,
                    backgroundImage: atlasUrl ? `url(${atlasUrl})` : undefined,
                    backgroundSize: `${result.atlasColumns * TILE}px ${atlasRows * tileHeight}px`,
                    backgroundPosition: `${-column * TILE}px ${-atlasRow * tileHeight}px`,
                  }}
                >
                  <span className="feature-index">{channel}</span>
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

export function FeatureMapsPanel() {
  const s = useStudio(
    useShallow((state) => ({
      featureLayer: state.featureLayer,
      featureMaps: state.featureMaps,
      featureSort: state.featureSort,
      selected: state.selectedChannel,
      job: state.featureJob ? state.jobs[state.featureJob] : undefined,
      ready: state.selectedPath !== null && state.modelId !== null,
      problem: selectedPhotoProblem(state),
      tile: state.featureTile,
      crisp: state.channelCrisp,
      heatmapHidden: state.heatmapHiddenByChannel && !state.layerVisible.heatmap,
      setFeatureTile: state.setFeatureTile,
      setCrisp: state.setChannelCrisp,
      setFeatureLayer: state.setFeatureLayer,
      setFeatureSort: state.setFeatureSort,
      loadFeatureMaps: state.loadFeatureMaps,
      selectChannel: state.selectChannel,
      visualise: state.visualiseChannel,
      visualising: state.dreamStatus === 'running',
    })),
  );
  const result = s.featureMaps;
  return (
    <Section title="Feature maps" testId="panel-features">
      <LayerSelect label="Layer" testId="feature-layer-select" value={s.featureLayer} onChange={s.setFeatureLayer} />
      <div className="button-row">
        <button data-testid="show-feature-maps" disabled={!s.ready || s.problem !== null} title={s.problem ?? ''} onClick={() => void s.loadFeatureMaps()}>
          Show feature maps
        </button>
      </div>
      {s.job && <JobProgress job={s.job} />}
      {result && (
        <>
          <div className="feature-head">
            <span className="muted" data-testid="feature-summary">
              {result.layer}: {result.channels} channels · {result.mapWidth}×{result.mapHeight}
            </span>
            <span className="feature-tools">
              <select data-testid="feature-tile-size" aria-label="Tile size" title="Tile size" value={s.tile} onChange={(event) => s.setFeatureTile(Number(event.target.value))}>
                {FEATURE_TILE_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {TILE_LABELS[size] ?? `${size}px`}
                  </option>
                ))}
              </select>
              <select data-testid="feature-sort" aria-label="Sort channels" value={s.featureSort} onChange={(event) => s.setFeatureSort(event.target.value as FeatureSort)}>
                <option value="index">Index</option>
                <option value="mean-desc">Mean ↓</option>
                <option value="mean-asc">Mean ↑</option>
              </select>
            </span>
          </div>
          <FeatureGrid result={result} sort={s.featureSort} tile={s.tile} />
          {s.selected !== null ? (
            <div className="feature-selected" data-testid="feature-selected">
              Channel <strong>{s.selected}</strong> on the photo · mean {(result.means[s.selected] ?? 0).toPrecision(3)}
              <button className="small" data-testid="feature-clear" onClick={() => s.selectChannel(null)}>
                Hide
              </button>
            </div>
          ) : null}
          {s.selected !== null && (
            <label className="check" title="Smooth: the channel upsampled bilinearly, like the heatmaps. Crisp: one square per cell of the layer's map.">
              <input type="checkbox" data-testid="channel-crisp" checked={s.crisp} onChange={(event) => s.setCrisp(event.target.checked)} />
              Crisp cells ({result.mapWidth}×{result.mapHeight}) instead of smooth
            </label>
          )}
          {s.selected !== null && s.heatmapHidden && (
            <p className="hint" data-testid="heatmap-hidden-note">
              The heatmap is hidden while a channel is on the photo; tick Heatmap in the toolbar to see both.
            </p>
          )}
          {s.selected !== null ? (
            <div className="button-row">
              <button
                data-testid="feature-visualise"
                disabled={s.visualising}
                title="Synthesise an image that excites this channel most (feature visualisation); frames appear in the timeline"
                onClick={() => void s.visualise(result.layer, s.selected!)}
              >
                What does this channel respond to?
              </button>
            </div>
          ) : (
            <p className="hint">Click a channel to lay it over the photo.</p>
          )}
        </>
      )}
    </Section>
  );
}

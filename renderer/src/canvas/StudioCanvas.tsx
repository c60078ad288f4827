import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type Konva from 'konva';
import type { KonvaEventObject } from 'konva/lib/Node';
import { Group, Image as KonvaImage, Layer, Stage } from 'react-konva';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../lib/api';
import { useElementSize, useLoadedImage } from '../lib/hooks';
import { fileName, withoutFileName } from '../lib/text';
import { useStudio } from '../store';
import { isFeatureVisualisation } from '../store/dream';
import { useChannelOverlay } from './channelOverlay';
import { DreamCompareLabels, HeatCompareLabels } from './CompareLabels';
import { DreamLayer, SwipeLayer } from './DreamLayers';
import { CanvasToolbar } from './CanvasToolbar';
import { PIXEL_ZOOM, wheelZoomFactor } from './geometry';
import { PhotoCaption } from './PhotoCaption';
import { useRecolouredMap } from './recolour';

const MIN_SCALE = 0.01;
const MAX_SCALE = 64;

export function StudioCanvas() {
  const wrapRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const zoomLabelRef = useRef<HTMLSpanElement>(null);
  /** Once the user zooms or pans, resizes stop re-fitting the photo. */
  const userMoved = useRef(false);
  const size = useElementSize(wrapRef);

  const s = useStudio(
    useShallow((state) => ({
      selectedPath: state.selectedPath,
      hasFolder: state.folders.length > 0,
      channelCrisp: state.channelCrisp,
      photoError: state.photoError,
      mapPng: state.heatmap?.mapPng ?? null,
      colormap: state.colormap,
      threshold: state.threshold,
      alpha: state.alpha,
      opacity: state.layerOpacity,
      visible: state.layerVisible,
      compare: state.compare && state.frames.length > 0,
      // A feature visualisation is not the photo: nothing of the photo or its overlays shows around it.
      featureVis: isFeatureVisualisation(state) && state.layerVisible.dream,
      pinnedMapPng: state.pinnedB?.mapPng ?? null,
      compareHeat: state.compareHeatmaps && state.pinnedB !== null && state.heatmap !== null,
      heatDivider: state.heatDivider,
    })),
  );
  const photoUrl = useMemo(() => (s.selectedPath ? api().photoUrl(s.selectedPath) : null), [s.selectedPath]);
  const photo = useLoadedImage(photoUrl);
  // B is coloured like A so the two sides compare like for like.
  const heat = useRecolouredMap(s.mapPng, s.colormap, s.threshold);
  const heatB = useRecolouredMap(s.compareHeat ? s.pinnedMapPng : null, s.colormap, s.threshold);
  const photoWidth = photo.image?.naturalWidth ?? 0;
  const photoHeight = photo.image?.naturalHeight ?? 0;
  const channel = useChannelOverlay(photoWidth, photoHeight);
  /** Zoomed in far enough that map pixels are drawn as sharp squares (state: flips only at the threshold). */
  const [pixelZoom, setPixelZoom] = useState(false);
  const splitX = s.heatDivider * photoWidth;
  // The dream swipe compares with the plain photo (no heatmap or channel on it, at full opacity).
  const photoOpacity = s.compare ? 1 : s.opacity.photo;
  const photoVisible = s.compare || (s.visible.photo && !s.featureVis);
  const overlaysVisible = !s.compare && !s.featureVis;

  const showZoom = (scale: number) => {
    if (zoomLabelRef.current) zoomLabelRef.current.textContent = `${Math.round(scale * 100)}%`;
    setPixelZoom(scale >= PIXEL_ZOOM);
  };

  const fit = useCallback(() => {
    const stage = stageRef.current;
    if (!stage || !photoWidth || !size.width || !size.height) return;
    const scale = Math.min(size.width / photoWidth, size.height / photoHeight) * 0.96;
    stage.scale({ x: scale, y: scale });
    stage.position({ x: (size.width - photoWidth * scale) / 2, y: (size.height - photoHeight * scale) / 2 });
    stage.batchDraw();
    userMoved.current = false;
    showZoom(scale);
  }, [photoWidth, photoHeight, size.width, size.height]);

  useEffect(() => {
    userMoved.current = false;
  }, [photo.image]);
  useEffect(() => {
    if (!userMoved.current) fit();
  }, [fit]);

  const zoomBy = (factor: number, pointer?: { x: number; y: number }) => {
    const stage = stageRef.current;
    if (!stage) return;
    const anchor = pointer ?? { x: size.width / 2, y: size.height / 2 };
    const old = stage.scaleX();
    const next = Math.max(MIN_SCALE, Math.min(MAX_SCALE, old * factor));
    const photoPoint = { x: (anchor.x - stage.x()) / old, y: (anchor.y - stage.y()) / old };
    stage.scale({ x: next, y: next });
    stage.position({ x: anchor.x - photoPoint.x * next, y: anchor.y - photoPoint.y * next });
    stage.batchDraw();
    userMoved.current = true;
    showZoom(next);
  };

  const onWheel = (event: KonvaEventObject<WheelEvent>) => {
    event.evt.preventDefault();
    const pointer = stageRef.current?.getPointerPosition() ?? undefined;
    if (event.evt.deltaY === 0) return;
    zoomBy(wheelZoomFactor(event.evt.deltaY, event.evt.deltaMode, event.evt.ctrlKey), pointer);
  };

  const actualSize = () => {
    const stage = stageRef.current;
    if (!stage) return;
    zoomBy(1 / stage.scaleX());
  };

  const message = !s.selectedPath
    ? s.hasFolder
      ? 'Pick a photo.'
      : 'Open a folder and pick a photo.'
    : photo.failed
      ? s.photoError
        ? withoutFileName(s.photoError, fileName(s.selectedPath))
        : 'This photo cannot be shown.'
      : null;

  return (
    <div className="canvas-area">
      <CanvasToolbar zoomLabelRef={zoomLabelRef} onFit={fit} onZoom={(factor) => zoomBy(factor)} onActualSize={actualSize} />
      <div className="canvas-wrap" ref={wrapRef} data-testid="canvas" data-pixel-zoom={pixelZoom}>
        {size.width > 0 && size.height > 0 && (
          <Stage
            ref={stageRef}
            width={size.width}
            height={size.height}
            draggable
            onWheel={onWheel}
            onDragStart={(event) => {
              if (event.target === stageRef.current) userMoved.current = true;
            }}
          >
            <Layer listening={false} opacity={photoOpacity} visible={photoVisible && Boolean(photo.image)}>
              {photo.image && <KonvaImage image={photo.image} width={photoWidth} height={photoHeight} perfectDrawEnabled={false} />}
            </Layer>
            <Layer listening={false} imageSmoothingEnabled={!pixelZoom} opacity={1 - s.alpha} visible={overlaysVisible && s.visible.heatmap && Boolean(heat) && Boolean(photo.image)}>
              {heat && (
                <Group clipX={0} clipY={0} clipWidth={s.compareHeat ? splitX : photoWidth} clipHeight={photoHeight}>
                  <KonvaImage image={heat} width={photoWidth} height={photoHeight} perfectDrawEnabled={false} />
                </Group>
              )}
              {s.compareHeat && heatB && (
                <Group clipX={splitX} clipY={0} clipWidth={photoWidth - splitX} clipHeight={photoHeight}>
                  <KonvaImage image={heatB} width={photoWidth} height={photoHeight} perfectDrawEnabled={false} />
                </Group>
              )}
            </Layer>
            <Layer listening={false} imageSmoothingEnabled={!pixelZoom && !s.channelCrisp} opacity={s.opacity.channel} visible={overlaysVisible && s.visible.channel && Boolean(channel) && Boolean(photo.image)}>
              {channel && <KonvaImage image={channel} width={photoWidth} height={photoHeight} perfectDrawEnabled={false} />}
            </Layer>
            {photo.image && <DreamLayer width={photoWidth} height={photoHeight} />}
            {photo.image && s.compare && <SwipeLayer width={photoWidth} height={photoHeight} />}
            {photo.image && s.compareHeat && !s.compare && <SwipeLayer which="heat" width={photoWidth} height={photoHeight} />}
          </Stage>
        )}
        {s.compareHeat && !s.compare && photo.image && <HeatCompareLabels />}
        {s.compare && photo.image && <DreamCompareLabels />}
        {message && (
          <div className={`canvas-message${photo.failed ? ' error' : ''}`} data-testid="canvas-message">
            {message}
          </div>
        )}
        {photo.loading && <div className="canvas-loading">Loading photo…</div>}
      </div>
      <PhotoCaption width={photoWidth} height={photoHeight} />
    </div>
  );
}

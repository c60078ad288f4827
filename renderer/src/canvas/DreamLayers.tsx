// The dream frame layer and the swipe divider. Frames change many times a second while scrubbing or
// playing, so these subscribe to the store outside React and update the Konva nodes directly.
import { useEffect, useRef } from 'react';
import type Konva from 'konva';
import { Group, Image as KonvaImage, Layer, Line, Circle, Rect, Text } from 'react-konva';
import { useStudio } from '../store';
import type { StudioState } from '../store/types';
import { containBox } from './geometry';

interface PhotoSize {
  width: number;
  height: number;
}

export function DreamLayer({ width, height }: PhotoSize) {
  const layerRef = useRef<Konva.Layer>(null);
  const groupRef = useRef<Konva.Group>(null);
  const imageRef = useRef<Konva.Image>(null);
  const backdropRef = useRef<Konva.Rect>(null);

  useEffect(() => {
    const apply = (state: StudioState) => {
      const layer = layerRef.current;
      const group = groupRef.current;
      const image = imageRef.current;
      if (!layer || !group || !image) return;
      const frame = state.frames[state.frameIndex];
      image.image(frame?.image);
      // A dream keeps the photo's shape; a feature visualisation is square: fit it, do not stretch it.
      const box = frame ? containBox(frame.width, frame.height, width, height) : { x: 0, y: 0, width, height };
      image.position({ x: box.x, y: box.y });
      image.size({ width: box.width, height: box.height });
      backdropRef.current?.visible(box.width < width - 0.5 || box.height < height - 0.5);
      layer.visible(Boolean(frame) && state.layerVisible.dream);
      layer.opacity(state.layerOpacity.dream);
      group.clip({ x: 0, y: 0, width: state.compare ? state.divider * width : width, height });
      layer.batchDraw();
    };
    apply(useStudio.getState());
    return useStudio.subscribe((state, previous) => {
      if (
        state.frames !== previous.frames ||
        state.frameIndex !== previous.frameIndex ||
        state.compare !== previous.compare ||
        state.divider !== previous.divider ||
        state.layerVisible !== previous.layerVisible ||
        state.layerOpacity !== previous.layerOpacity
      ) {
        apply(state);
      }
    });
  }, [width, height]);

  return (
    <Layer ref={layerRef} listening={false} visible={false}>
      <Group ref={groupRef}>
        <Rect ref={backdropRef} width={width} height={height} fill="#111418" visible={false} />
        <KonvaImage ref={imageRef} image={undefined} width={width} height={height} perfectDrawEnabled={false} />
      </Group>
    </Layer>
  );
}

/**
 * A draggable vertical divider: dream on its left and the original photo on its right, or
 * (which = 'heat') heatmap A on its left and pinned heatmap B on its right.
 */
export function SwipeLayer({ width, height, which = 'dream' }: PhotoSize & { which?: 'dream' | 'heat' }) {
  const groupRef = useRef<Konva.Group>(null);
  const state = useStudio.getState();
  const start = (which === 'dream' ? state.divider : state.heatDivider) * width;
  const setDivider = which === 'dream' ? state.setDivider : state.setHeatDivider;
  return (
    <Layer name={`swipe-${which}`}>
      <Group
        ref={groupRef}
        x={start}
        y={0}
        draggable
        dragBoundFunc={function (this: Konva.Node, position) {
          // Absolute coordinates: keep the divider on the photo and on its own row.
          const stage = this.getStage();
          if (!stage) return position;
          const scale = stage.scaleX();
          const left = stage.x();
          const right = stage.x() + width * scale;
          return { x: Math.max(left, Math.min(right, position.x)), y: stage.y() };
        }}
        onDragMove={(event) => {
          event.cancelBubble = true;
          setDivider(event.target.x() / width);
        }}
        onDragStart={(event) => {
          event.cancelBubble = true;
        }}
        onMouseEnter={(event) => {
          const container = event.target.getStage()?.container();
          if (container) container.style.cursor = 'ew-resize';
        }}
        onMouseLeave={(event) => {
          const container = event.target.getStage()?.container();
          if (container) container.style.cursor = '';
        }}
      >
        <Line points={[0, 0, 0, height]} stroke="#f5f7fa" strokeWidth={2} hitStrokeWidth={24} strokeScaleEnabled={false} shadowColor="black" shadowBlur={4} />
        <Circle y={height / 2} radius={Math.max(10, height / 40)} fill="rgba(20,24,31,0.85)" stroke="#f5f7fa" strokeWidth={2} strokeScaleEnabled={false} />
        <Text text="◀ ▶" y={height / 2 - Math.max(5, height / 80)} x={-Math.max(10, height / 40) * 0.7} fontSize={Math.max(10, height / 40)} fill="#f5f7fa" listening={false} />
      </Group>
    </Layer>
  );
}

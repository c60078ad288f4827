// The dream frame layer and the swipe divider. Frames change many times a second while scrubbing or
// playing, so these subscribe to the store outside React and update the Konva nodes directly.
import { useEffect, useRef } from 'react';
import type Konva from 'konva';
import { Group, Image as KonvaImage, Layer, Line, Circle, Text } from 'react-konva';
import { useStudio } from '../store';
import type { StudioState } from '../store/types';

interface PhotoSize {
  width: number;
  height: number;
}

export function DreamLayer({ width, height }: PhotoSize) {
  const layerRef = useRef<Konva.Layer>(null);
  const groupRef = useRef<Konva.Group>(null);
  const imageRef = useRef<Konva.Image>(null);

  useEffect(() => {
    const apply = (state: StudioState) => {
      const layer = layerRef.current;
      const group = groupRef.current;
      const image = imageRef.current;
      if (!layer || !group || !image) return;
      const frame = state.frames[state.frameIndex];
      image.image(frame?.image);
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
        <KonvaImage ref={imageRef} image={undefined} width={width} height={height} perfectDrawEnabled={false} />
      </Group>
    </Layer>
  );
}

/** A draggable vertical divider: dream on its left, the original photo on its right. */
export function SwipeLayer({ width, height }: PhotoSize) {
  const groupRef = useRef<Konva.Group>(null);
  const start = useStudio.getState().divider * width;
  return (
    <Layer>
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
          useStudio.getState().setDivider(event.target.x() / width);
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

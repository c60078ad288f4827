import { useEffect, useState, type RefObject } from 'react';

export interface Size {
  width: number;
  height: number;
}

/** The content-box size of an element, kept current with a ResizeObserver. */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = Math.floor(entry.contentRect.width);
      const height = Math.floor(entry.contentRect.height);
      setSize((previous) => (previous.width === width && previous.height === height ? previous : { width, height }));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

export interface LoadedImage {
  image: HTMLImageElement | null;
  loading: boolean;
  failed: boolean;
}

/** Loads a URL into an HTMLImageElement for Konva; the previous image stays until the new one is ready. */
export function useLoadedImage(url: string | null): LoadedImage {
  const [state, setState] = useState<LoadedImage>({ image: null, loading: false, failed: false });
  useEffect(() => {
    if (!url) {
      setState({ image: null, loading: false, failed: false });
      return;
    }
    let current = true;
    setState((previous) => ({ ...previous, loading: true, failed: false }));
    const image = new Image();
    image.decoding = 'async';
    image.onload = () => current && setState({ image, loading: false, failed: false });
    image.onerror = () => current && setState({ image: null, loading: false, failed: true });
    image.src = url;
    return () => {
      current = false;
      image.onload = null;
      image.onerror = null;
    };
  }, [url]);
  return state;
}

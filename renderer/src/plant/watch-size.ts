type OnSize = (width: number, height: number) => void;

const watched = new WeakMap<Element, OnSize>();
let observer: ResizeObserver | null = null;

/**
 * Calls `onSize` with the element's content box (CSS px) now and whenever it changes; returns the
 * cleanup. One ResizeObserver serves every element: the overview watches a thousand canvases.
 */
export function watchSize(element: Element, onSize: OnSize): () => void {
  if (typeof ResizeObserver === 'undefined') return () => {};
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) watched.get(entry.target)?.(entry.contentRect.width, entry.contentRect.height);
  });
  watched.set(element, onSize);
  observer.observe(element);
  return () => {
    watched.delete(element);
    observer?.unobserve(element);
  };
}

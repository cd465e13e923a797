/**
 * Calls `measure` whenever the element's box changes size or the wallboard scale changes the root
 * font (which resizes what is drawn in the box without resizing the box); returns the cleanup.
 */
export function observeBox(element: Element, measure: () => void): () => void {
  const resize = new ResizeObserver(measure);
  resize.observe(element);
  const scale = new MutationObserver(measure);
  scale.observe(document.documentElement, { attributes: true, attributeFilter: ['data-density'] });
  return () => {
    resize.disconnect();
    scale.disconnect();
  };
}

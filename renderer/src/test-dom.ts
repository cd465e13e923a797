import { act } from 'react';

// React only flushes updates inside act() when it knows it runs under a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const find = (container: HTMLElement, testId: string) => {
  const element = container.querySelector(`[data-testid="${testId}"]`);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
};

/** Sets an input the way a user does, so React's onChange sees it. */
export function fillIn(container: HTMLElement, testId: string, value: string): void {
  const input = find(container, testId) as HTMLInputElement;
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Clicks a submit button and lets the async handler settle. */
export async function submit(container: HTMLElement, testId: string): Promise<void> {
  const button = find(container, testId) as HTMLButtonElement;
  await act(async () => {
    button.form?.requestSubmit(button);
  });
}

// uPlot reads the device pixel ratio through matchMedia when it loads; jsdom has none.
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }) as MediaQueryList;
}

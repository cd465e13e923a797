/**
 * Text the page cuts off: elements matching `selector` whose text runs past their own box (an
 * ellipsis, a clipped line) or past the box of the card they sit in (`within`). Measured as drawn now.
 */
import type { Page } from 'playwright-core';

export const cutText = (page: Page, selector: string, within: string): Promise<string[]> =>
  page.evaluate(
    ([selector, within]) =>
      [...document.querySelectorAll<HTMLElement>(selector)]
        .filter((e) => {
          if (e.getClientRects().length === 0) return false;
          if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) return true;
          const card = e.closest(within)?.getBoundingClientRect();
          const r = e.getBoundingClientRect();
          return card !== undefined && (r.right > card.right + 0.5 || r.bottom > card.bottom + 0.5 || r.left < card.left - 0.5);
        })
        .map((e) => `${e.className}: ${e.textContent ?? ''}`),
    [selector, within] as const,
  );

/** The dashboard's KPI cards: names, values and details are whole, never cut. */
export const cutKpiText = (page: Page) => cutText(page, '[data-testid="kpis"] :is(.kpi-name, .kpi-value, .kpi-detail)', '.kpi');

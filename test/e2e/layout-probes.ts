/**
 * Measures of the dashboard's layout that its browser tests share: whether the page is wider than the
 * window (it scrolls sideways), how much of its card each chart fills, and on how many lines a piece of
 * text is laid out. Run in the page as expression strings: the tests' TypeScript has no DOM types.
 */
import type { Page } from 'playwright-core';

/** The document's width (scrollWidth) and the window's (clientWidth): a page that fits has width <= window. */
export async function pageWidth(page: Page): Promise<{ width: number; window: number }> {
  const [width, window] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
  return { width, window };
}

/**
 * Each drawn chart's card (by id) with the chart's width (uPlot's root, .uplot) and the card's content
 * width (inside its padding), in CSS pixels.
 */
export function chartWidths(page: Page): Promise<{ id: string; chart: number; card: number }[]> {
  return page.evaluate(`[...document.querySelectorAll('.chart-box')].filter((box) => box.querySelector('.uplot')).map((box) => {
    const style = getComputedStyle(box);
    return { id: box.id, chart: box.querySelector('.uplot').getBoundingClientRect().width, card: box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) };
  })`);
}

/** On how many lines the text of the first element `selector` matches is laid out (its text nodes' line boxes). */
export function lineCount(page: Page, selector: string): Promise<number> {
  return page.evaluate(`(() => {
    const node = document.querySelector(${JSON.stringify(selector)});
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    }
    return tops.size;
  })()`);
}

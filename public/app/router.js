/**
 * @module dashboard/router
 * A hash router: `#/section/name` picks a page, which renders into the view and gets an AbortSignal
 * that fires when the user navigates away (so live streams and pending requests of a page stop with it).
 * A path no route matches, or whose names cannot be decoded, goes to `fallback`.
 */

/** Routes as [pattern, page]; a pattern is like "/jobs/:id". */
export function startRouter(routes, { view, onNavigate, fallback }) {
  let controller = null;
  const compiled = routes.map(([pattern, page]) => {
    const names = [];
    const re = new RegExp(`^${pattern.replace(/:([a-z]+)/g, (_, n) => (names.push(n), '([^/]+)'))}$`);
    return { re, names, page, section: pattern.split('/')[1] };
  });

  async function render() {
    controller?.abort();
    controller = new AbortController();
    const path = location.hash.replace(/^#/, '') || '/';
    const match = compiled.map((r) => ({ r, m: r.re.exec(path) })).find((x) => x.m);
    if (!match) return fallback(path);
    let params;
    try {
      params = Object.fromEntries(match.r.names.map((n, i) => [n, decodeURIComponent(match.m[i + 1])]));
    } catch (err) {
      // A malformed escape (`#/models/%E0%A4%A`, a link cut short) names nothing: "not found", not a broken page.
      if (err instanceof URIError) return fallback(path);
      throw err;
    }
    onNavigate(match.r.section);
    view.replaceChildren();
    await match.r.page(view, params, controller.signal);
  }

  window.addEventListener('hashchange', render);
  return render;
}

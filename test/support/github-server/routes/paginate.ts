/** GitHub's page-based pagination: `per_page` (default 30, at most 100), `page`, and a `Link` header. */
import type { RouteResponse } from '../http-json.js';
import type { RouteContext } from '../route.js';

export function paginate<T>(ctx: RouteContext, items: readonly T[], present: (item: T) => unknown): RouteResponse {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30)));
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  const link = (p: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(p));
    links.push(`<${ctx.urls.api}${ctx.requestPath}?${query}>; rel="${rel}"`);
  };
  if (page < last) {
    link(page + 1, 'next');
    link(last, 'last');
  }
  if (page > 1) {
    link(1, 'first');
    link(page - 1, 'prev');
  }
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage).map(present),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

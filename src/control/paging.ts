// Keyset paging for the registries (agents, policies, issuers), sorted by id: the cursor is
// the last id a page returned, so creations and deletions between pages never repeat or
// skip an item that existed throughout.

import type { PageRequest } from '../store/index.js';
import type { ListOptions, ListPage } from './types.js';
import { invalid, pageLimit } from './validate.js';

const PREFIX = 'id:';

function encodeCursor(lastId: string): string {
  return Buffer.from(`${PREFIX}${lastId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) {
    throw invalid('cursor', `\`${cursor.slice(0, 64)}\` is not a valid cursor`);
  }
  return text.slice(PREFIX.length);
}

/** Reads one page through `fetch`, asking for one extra row to learn whether more exist. */
export async function readPage<R, V>(options: {
  list: ListOptions | undefined;
  fetch: (page: PageRequest) => Promise<R[]>;
  idOf: (row: R) => string;
  view: (rows: R[]) => Promise<V[]> | V[];
}): Promise<ListPage<V>> {
  const limit = pageLimit(options.list?.limit);
  const cursor = options.list?.cursor;
  const rows = await options.fetch({ limit: limit + 1, ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }) });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  return { items: await options.view(page), next_cursor: more ? encodeCursor(options.idOf(last)) : null };
}

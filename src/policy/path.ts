// RFC 3986 path normalisation, applied before a path meets a prefix rule so that
// `/public/../admin` and `/public/%2e%2e/admin` are judged as `/admin`. The gateway
// forwards the normalised path, so what was decided is what is sent.

const HEX_PAIR = /^[0-9a-f]{2}$/i;
// RFC 3986 §2.3: ALPHA DIGIT - . _ ~ mean the same encoded or not.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Decodes %XX of unreserved characters and upper-cases the rest (RFC 3986 §6.2.2.1-2). */
function normalizePercentEscapes(path: string): string | null {
  if (!path.includes('%')) return path;
  let out = '';
  let from = 0;
  for (let at = path.indexOf('%'); at !== -1; at = path.indexOf('%', from)) {
    const hex = path.slice(at + 1, at + 3);
    if (!HEX_PAIR.test(hex)) return null;
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    out += path.slice(from, at) + (UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`);
    from = at + 3;
  }
  return out + path.slice(from);
}

/** RFC 3986 §5.2.4 remove_dot_segments, for a path that starts with `/`. */
function removeDotSegments(path: string): string {
  const segments = path.slice(1).split('/');
  const output: string[] = [];
  segments.forEach((segment, i) => {
    const isLast = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      // `/a/b/..` is `/a/`: a dot segment at the end leaves the directory's slash.
      if (isLast) output.push('');
      return;
    }
    output.push(segment);
  });
  return `/${output.join('/')}`;
}

/** Null for a path that does not start with `/` or has a bad percent escape. */
export function normalizePath(path: string): string | null {
  if (!path.startsWith('/')) return null;
  const decoded = normalizePercentEscapes(path);
  return decoded === null ? null : removeDotSegments(decoded);
}

import { PolicyDenied } from '../engine/errors';

interface Rule {
  protocol: string;
  host: string;
  port: string;
  path: string;
}

/**
 * URL prefixes a level-2 guest may reach: scheme + host + port must match exactly, the path
 * must start with the rule's path on a segment boundary. URLs with userinfo are refused
 * outright (`https://good.example@evil.example/` tricks), as are non-http(s) schemes.
 * Parsing is the WHATWG URL parser's, so dot segments and percent-encoded dots are
 * resolved before matching. Paths a server could read differently from this parser are
 * refused: percent-encoded `/`, `\` or `.` (any case: `..%2f` is `../` to a server that decodes
 * before normalising), a raw `\`, and any path that changes when decoded and normalised again
 * (double encoding such as `%252f`).
 */
export class UrlAllowlist {
  private readonly rules: Rule[];

  constructor(prefixes: readonly string[]) {
    this.rules = prefixes.map((p) => {
      const u = parse(p, 'allowlist entry');
      return { protocol: u.protocol, host: u.hostname, port: effectivePort(u), path: u.pathname };
    });
  }

  /** Returns the normalised URL or throws PolicyDenied naming why. */
  check(url: string): string {
    const u = parse(url, 'URL');
    if (u.username || u.password) throw new PolicyDenied(`URL ${url} refused: credentials in URLs are not allowed`);
    const why = ambiguousPath(url, u);
    if (why) throw new PolicyDenied(`URL ${url} refused: ${why}`);
    const port = effectivePort(u);
    const ok = this.rules.some((r) =>
      r.protocol === u.protocol && r.host === u.hostname && r.port === port && pathWithin(u.pathname, r.path));
    if (!ok) throw new PolicyDenied(`URL ${u.href} is not in the network allowlist`);
    return u.href;
  }
}

function parse(text: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new PolicyDenied(`${what} ${JSON.stringify(text)} is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PolicyDenied(`${what} ${text} refused: only http and https`);
  return u;
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

function pathWithin(path: string, prefix: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  if (path === prefix) return true;
  const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return path.startsWith(p);
}

const ENCODED_SEPARATOR = /%(2f|5c|2e)/i;
const upperEscapes = (p: string) => p.replace(/%[0-9a-f]{2}/gi, (e) => e.toUpperCase());

/** Why the path of `text` (parsed as `u`) is ambiguous, or ''. */
function ambiguousPath(text: string, u: URL): string {
  // The path as written: after scheme://authority, before ? or #.
  const raw = text.replace(/^[a-z][a-z0-9+.-]*:[\\/]*[^/\\?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  if (ENCODED_SEPARATOR.test(raw) || ENCODED_SEPARATOR.test(u.pathname)) return 'percent-encoded \'/\', \'\\\' or \'.\' in the path';
  if (raw.includes('\\')) return "'\\' in the path";
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return 'the path is not valid percent-encoded UTF-8';
  }
  const again = new URL(decoded, u.origin).pathname;
  if (upperEscapes(again) !== upperEscapes(u.pathname)) return 'the path changes when decoded and normalised (double encoding?)';
  return '';
}

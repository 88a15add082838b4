// Internal-address protection (SPEC §5). The gateway resolves a destination once, classifies
// every resolved address, and dials only an address it has checked, so a DNS answer that
// changes between check and dial (rebinding) cannot reach an internal host.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

// Ranges no egress request should reach unless the operator opens them with --allow-internal.
const INTERNAL_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];
const INTERNAL_V6 = [
  '::/128', '::1/128', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8',
];

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}
export type Lookup = (host: string) => Promise<readonly ResolvedAddress[]>;

export type GuardResult =
  | { ok: true; address: ResolvedAddress }
  | { ok: false; kind: 'internal' | 'unresolvable'; reason: string };

function buildList(v4: readonly string[], v6: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) addCidr(list, cidr);
  for (const cidr of v6) addCidr(list, cidr);
  return list;
}

function addCidr(list: BlockList, cidr: string): void {
  const [net, bits] = cidr.split('/') as [string, string];
  list.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
}

const internalList = buildList(INTERNAL_V4, INTERNAL_V6);

/** The eight 16-bit groups of an IPv6 address, whatever its spelling (`::`, embedded dotted IPv4). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const front = head === '' ? [] : head.split(':');
  const back = tail === null || tail === '' ? [] : tail.split(':');
  const zeros = new Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...(tail === null ? [] : zeros), ...back].map((g) => parseInt(g, 16));
}

/** IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`)
 *  addresses reach an IPv4 host: classify them by that host. Null when there is none. */
function embeddedV4(address: string): string | null {
  const g = ipv6Groups(address);
  const prefixZero = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0;
  const mapped = prefixZero && (g[5] === 0xffff || (g[5] === 0 && (g[6] ?? 0) !== 0));
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0;
  if (!mapped && !nat64) return null;
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

export const systemLookup: Lookup = async (host) => {
  const answers = await dnsLookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

// Classifying an address builds a SocketAddress per BlockList check; the answer for an address
// never changes for one guard, so it is kept (bounded: cleared when it grows past this).
const CLASSIFIED_CACHE_SIZE = 10_000;

export class AddressGuard {
  readonly #allowed: BlockList;
  readonly #lookup: Lookup;
  readonly #classified = new Map<string, boolean>();

  constructor(options: { allowInternal: readonly string[]; lookup?: Lookup }) {
    const v4 = options.allowInternal.filter((c) => isIP(c.split('/')[0] ?? '') === 4);
    const v6 = options.allowInternal.filter((c) => isIP(c.split('/')[0] ?? '') === 6);
    this.#allowed = buildList(v4, v6);
    this.#lookup = options.lookup ?? systemLookup;
  }

  /** True when the address is internal and no --allow-internal range opens it. */
  isForbidden(address: string): boolean {
    let forbidden = this.#classified.get(address);
    if (forbidden === undefined) {
      forbidden = this.#classifyAddress(address);
      if (this.#classified.size >= CLASSIFIED_CACHE_SIZE) this.#classified.clear();
      this.#classified.set(address, forbidden);
    }
    return forbidden;
  }

  #classifyAddress(address: string): boolean {
    const v4 = isIP(address) === 6 ? embeddedV4(address) : address;
    const [addr, type] = v4 === null ? [address, 'ipv6' as const] : [v4, 'ipv4' as const];
    return internalList.check(addr, type) && !this.#allowed.check(addr, type);
  }

  /** Resolve once and check every answer: a name with any forbidden address is refused whole.
   *  Synchronous for an IP literal (the common case behind an explicit proxy needs no DNS). */
  check(host: string): GuardResult | Promise<GuardResult> {
    const family = isIP(host);
    if (family !== 0) return this.#classify(host, [{ address: host, family: family === 6 ? 6 : 4 }]);
    return this.#lookupQuietly(host).then((answers) => this.#classify(host, answers));
  }

  #classify(host: string, answers: readonly ResolvedAddress[]): GuardResult {
    if (answers.length === 0) return { ok: false, kind: 'unresolvable', reason: `destination \`${host}\` does not resolve` };
    for (const answer of answers) {
      if (this.isForbidden(answer.address)) {
        return { ok: false, kind: 'internal', reason: internalReason(host, answer.address) };
      }
    }
    return { ok: true, address: answers[0] as ResolvedAddress };
  }

  async #lookupQuietly(host: string): Promise<readonly ResolvedAddress[]> {
    try {
      return await this.#lookup(host);
    } catch {
      return [];
    }
  }
}

function internalReason(host: string, address: string): string {
  return host === address
    ? `destination \`${host}\` is an internal address`
    : `destination \`${host}\` resolves to internal address \`${address}\``;
}

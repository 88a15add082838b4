// Hop-by-hop fields (RFC 9110 §7.6.1) belong to one connection and are never forwarded, nor
// is Proxy-Authorization: the agent's credential is for the gateway, not the destination.

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
  // Expect is answered by the gateway itself (100-continue once the request is authorised).
  'expect',
]);

/** True for a field the gateway must not forward: hop-by-hop, or named in this message's Connection. */
export function isHopByHop(name: string, connectionNames: ReadonlySet<string> | null): boolean {
  return HOP_BY_HOP.has(name) || (connectionNames !== null && connectionNames.has(name));
}

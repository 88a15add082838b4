// http1: HTTP/1.1 message framing for the gateway's hot path, pure (no I/O): strict parsers
// for request and response heads and the chunked coding, and the heads the gateway forwards.
// Strict on purpose: whatever is accepted here, any conforming parser reads the same way.
export { parseRequestHead, type BodyKind, type HeadRefusal, type RequestHead, type RequestHeadResult } from './request-head.js';
export { parseResponseHead, type ResponseBodyKind, type ResponseHead, type ResponseHeadResult } from './response-head.js';
export { ChunkedReader, type ChunkDataListener } from './chunked.js';
export { isHopByHop } from './hop-by-hop.js';
export { clientResponseHead, interimResponseHead, upstreamRequestHead, type ForwardedRequest, type ForwardedResponse } from './serialize.js';
export { findHeadEnd, skipEmptyLines } from './head-bounds.js';

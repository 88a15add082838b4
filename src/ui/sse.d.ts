// Types for the node tests of sse.js (the browser needs none).
export interface SseFrame {
  event: string;
  data: string;
}
export function createSseParser(onFrame: (frame: SseFrame) => void): { push(text: string): void };

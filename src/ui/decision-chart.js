// Stacked bars: decisions per minute over the last minutes, from the events held in memory.
// The SVG stretches to the card's width; the minute labels are HTML so they do not stretch.
import { html } from './html.js';
import { DECISIONS, countByMinute, totalCounts } from './decision-counts.js';

const WIDTH = 600;
const HEIGHT = 110;
const LABELS = { allow: 'allow', deny: 'deny', rate_limited: 'rate limited', unauthenticated: 'unauthenticated' };

const minuteLabel = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });

export function DecisionChart({ events, nowMs, minutes }) {
  const buckets = countByMinute(events, { nowMs, minutes });
  const totals = totalCounts(buckets);
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.total));
  const slot = WIDTH / minutes;
  const summary = DECISIONS.map((decision) => `${LABELS[decision]} ${totals[decision]}`).join(', ');
  return html`<figure class="chart card">
    <figcaption>Decisions per minute, last ${minutes} minutes</figcaption>
    <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${`Last ${minutes} minutes: ${summary}`} preserveAspectRatio="none">
      ${buckets.map((bucket, index) => html`<g key=${bucket.startMs}>${stackedBar(bucket, { x: index * slot + slot * 0.15, width: slot * 0.7, peak })}</g>`)}
    </svg>
    <ol class="axis" aria-hidden="true">${buckets.map((bucket) => html`<li>${minuteLabel(bucket.startMs)}</li>`)}</ol>
    <ul class="legend">
      ${DECISIONS.map((decision) => html`<li><span class=${`swatch seg-${decision}`}></span>${LABELS[decision]} <strong data-decision=${decision}>${totals[decision]}</strong></li>`)}
    </ul>
  </figure>`;
}

function stackedBar(bucket, { x, width, peak }) {
  let top = HEIGHT;
  return DECISIONS.filter((decision) => bucket.counts[decision] > 0).map((decision) => {
    const height = (bucket.counts[decision] / peak) * (HEIGHT - 6);
    top -= height;
    return html`<rect x=${x} y=${top} width=${width} height=${height} class=${`seg-${decision}`}>
      <title>${minuteLabel(bucket.startMs)}: ${bucket.counts[decision]} ${LABELS[decision]}</title>
    </rect>`;
  });
}

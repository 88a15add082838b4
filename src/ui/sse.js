// A Server-Sent Events frame parser for text arriving in arbitrary chunks (fetch + reader:
// EventSource cannot send an Authorization header). Comments (": …") are skipped.

export function createSseParser(onFrame) {
  let pending = '';
  let event = '';
  let data = [];
  const takeLine = (rawLine) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') {
      if (data.length > 0) onFrame({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    else if (name === 'event') event = value;
  };
  return {
    push(text) {
      pending += text;
      let end;
      while ((end = pending.indexOf('\n')) !== -1) {
        takeLine(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    },
  };
}

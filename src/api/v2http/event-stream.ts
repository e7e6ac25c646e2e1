/**
 * Watches as Server-Sent Events (opt-in): a watch whose request accepts `text/event-stream` is
 * answered as an event stream that a browser's `EventSource` reads directly. Every store event is
 * one message whose `id` is the event's index and whose `data` is the JSON a watch would answer.
 *
 * `EventSource` reconnects by itself and names the last id it saw in `Last-Event-ID`; the watch
 * then resumes after that index and replays every matching event the history still holds (a plain
 * `stream=true` watch gets only the first), so a dropped connection loses nothing. The stream
 * opens with a message that carries only an id (the index the watch starts after): it fires no
 * event, but a reconnect before the first event resumes from there too.
 */

/** Whether an `Accept` header lists `text/event-stream` (any case, parameters ignored). */
export function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  for (const range of accept.split(',')) {
    const semi = range.indexOf(';');
    const type = (semi === -1 ? range : range.slice(0, semi)).trim().toLowerCase();
    if (type === 'text/event-stream') return true;
  }
  return false;
}

/**
 * The index in a `Last-Event-ID` header: decimal digits, as this stream writes them. Anything else
 * (absent, empty, too large) is null and the request's own `waitIndex` (if any) applies, as it
 * does for a first connection.
 */
export function lastEventIndex(header: string | undefined): number | null {
  if (header === undefined) return null;
  const s = header.trim();
  if (!/^[0-9]{1,16}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** One message: the event's index as its id, the JSON line (without its newline) as its data. */
export function eventMessage(index: number, jsonLine: string): string {
  const data = jsonLine.endsWith('\n') ? jsonLine.slice(0, -1) : jsonLine;
  return `id: ${index}\ndata: ${data}\n\n`;
}

/** A message with an id and no data: it moves the client's last event id and fires nothing. */
export function idOnlyMessage(index: number): string {
  return `id: ${index}\n\n`;
}

/**
 * Server-sent events of a streamed simulation: how the server writes them and how the app reads
 * them. EventSource cannot POST, so the app reads the response body and feeds it to SseParser.
 */
import {
  SIMULATION_EVENT_SCHEMAS,
  type SimulationEvent,
  type SimulationEventName,
} from './simulate.ts';

export const SSE_CONTENT_TYPE = 'text/event-stream';

/** One event on the wire: `event: name`, `data: json`, blank line. */
export function formatSseEvent(event: SimulationEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** An event whose data is not what its schema says. */
export class SseEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseEventError';
  }
}

/**
 * Reads events out of text chunks as they arrive (chunks may split events anywhere). Comments
 * (`: ping`) and unknown event names are skipped; each known event's data is validated.
 */
export class SseParser {
  private buffer = '';

  push(chunk: string): SimulationEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SimulationEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }
}

function parseBlock(block: string): SimulationEvent | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (!(name in SIMULATION_EVENT_SCHEMAS) || data.length === 0) return null;
  const eventName = name as SimulationEventName;
  let json: unknown;
  try {
    json = JSON.parse(data.join('\n'));
  } catch {
    throw new SseEventError(`event "${eventName}": data is not JSON`);
  }
  const parsed = SIMULATION_EVENT_SCHEMAS[eventName].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SseEventError(
      `event "${eventName}": ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { event: eventName, data: parsed.data } as SimulationEvent;
}

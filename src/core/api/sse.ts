/**
 * Server-sent events of a streamed simulation or score: how the server writes them and how the app
 * reads them. EventSource cannot POST, so the app reads the response body and feeds it to SseParser.
 */
import type { z } from 'zod';
import { SIMULATION_EVENT_SCHEMAS } from './simulate.ts';

export const SSE_CONTENT_TYPE = 'text/event-stream';

/** The events of one stream: a schema for each event name. */
export type EventSchemas = Readonly<Record<string, z.ZodType>>;

/** One event of a stream with these schemas. */
export type EventOf<Schemas extends EventSchemas> = {
  [Name in keyof Schemas & string]: { event: Name; data: z.infer<Schemas[Name]> };
}[keyof Schemas & string];

/** One event on the wire: `event: name`, `data: json`, blank line. */
export function formatSseEvent(event: { event: string; data: unknown }): string {
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
 * (`: ping`) and unknown event names are skipped; each known event's data is validated against
 * its schema (a simulation's by default).
 */
export class SseParser<Schemas extends EventSchemas = typeof SIMULATION_EVENT_SCHEMAS> {
  private buffer = '';
  private readonly schemas: Schemas;

  constructor(schemas?: Schemas) {
    this.schemas = schemas ?? (SIMULATION_EVENT_SCHEMAS as unknown as Schemas);
  }

  push(chunk: string): EventOf<Schemas>[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: EventOf<Schemas>[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = this.parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }

  private parseBlock(block: string): EventOf<Schemas> | null {
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
    const schema = Object.hasOwn(this.schemas, name) ? this.schemas[name] : undefined;
    if (!schema || data.length === 0) return null;
    let json: unknown;
    try {
      json = JSON.parse(data.join('\n'));
    } catch {
      throw new SseEventError(`event "${name}": data is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SseEventError(
        `event "${name}": ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return { event: name, data: parsed.data } as EventOf<Schemas>;
  }
}

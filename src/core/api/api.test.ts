import { describe, expect, it } from 'vitest';
import { SimulateRequestSchema, type SimulationEvent } from './simulate.ts';
import { formatSseEvent, SseEventError, SseParser } from './sse.ts';

describe('SimulateRequestSchema', () => {
  const valid = { dataset: 'demo', layer: 0, neuron: 3, explanation: ' cats' };

  it('accepts a request and trims the explanation', () => {
    expect(SimulateRequestSchema.parse(valid).explanation).toBe('cats');
    expect(SimulateRequestSchema.parse({ ...valid, texts: ['A cat.'] }).texts).toEqual(['A cat.']);
  });

  it.each([
    [{ ...valid, explanation: '   ' }, 'explanation', /empty/],
    [{ ...valid, explanation: 'x'.repeat(501) }, 'explanation', /500/],
    [{ ...valid, layer: -1 }, 'layer', /0 or more/],
    [{ ...valid, neuron: 1.5 }, 'neuron', /whole number/],
    [{ ...valid, dataset: '../etc' }, 'dataset', /not a dataset id/],
    [{ ...valid, texts: [] }, 'texts', /at least one/],
    [{ ...valid, texts: Array(9).fill('a') }, 'texts', /at most 8/],
    [{ ...valid, texts: ['ok', ' '] }, 'texts.1', /empty/],
    [{ ...valid, extra: 1 }, '', /extra/],
  ])('rejects %j naming the field', (request, field, message) => {
    const result = SimulateRequestSchema.safeParse(request);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(field);
    expect(issue.message).toMatch(message);
  });
});

describe('SseParser', () => {
  const progress: SimulationEvent = {
    event: 'progress',
    data: { done: 1, total: 10, record: { kind: 'top', index: 2 } },
  };
  const error: SimulationEvent = {
    event: 'error',
    data: { code: 'upstream_error', message: 'The LLM failed.', retryable: true },
  };

  it('reads events split across chunks anywhere, skipping comments', () => {
    const wire = `: ping\n\n${formatSseEvent(progress)}${formatSseEvent(error)}`;
    const parser = new SseParser();
    const events: SimulationEvent[] = [];
    for (let i = 0; i < wire.length; i += 7) events.push(...parser.push(wire.slice(i, i + 7)));
    expect(events).toEqual([progress, error]);
  });

  it('rejects an event whose data does not match its schema', () => {
    expect(() => new SseParser().push('event: progress\ndata: {"done":"x"}\n\n')).toThrow(
      SseEventError,
    );
  });
});

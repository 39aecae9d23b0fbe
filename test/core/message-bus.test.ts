import { describe, expect, it, vi } from 'vitest';
import { MessageBus } from '../../src/core/message-bus.ts';

interface Topics extends Record<string, unknown> {
  tick: { n: number };
  news: string;
}

function quietBus(): { bus: MessageBus<Topics>; errors: Array<[unknown, string, unknown]> } {
  const errors: Array<[unknown, string, unknown]> = [];
  const bus = new MessageBus<Topics>({ onHandlerError: (e, t, m) => errors.push([e, t, m]) });
  return { bus, errors };
}

describe('MessageBus', () => {
  it('delivers synchronously to topic handlers in subscription order', () => {
    const { bus } = quietBus();
    const seen: string[] = [];
    bus.subscribe('tick', (m) => seen.push(`a${m.n}`));
    bus.subscribe('news', (m) => seen.push(`news:${m}`));
    bus.subscribe('tick', (m) => seen.push(`b${m.n}`));
    bus.publish('tick', { n: 1 });
    seen.push('after');
    bus.publish('news', 'hello');
    expect(seen).toEqual(['a1', 'b1', 'after', 'news:hello']);
  });

  it('delivers every topic to subscribeAll handlers, in overall subscription order', () => {
    const { bus } = quietBus();
    const seen: string[] = [];
    bus.subscribe('tick', () => seen.push('topic-1'));
    bus.subscribeAll((topic, message) => seen.push(`all:${topic}:${JSON.stringify(message)}`));
    bus.subscribe('tick', () => seen.push('topic-2'));
    bus.publish('tick', { n: 3 });
    bus.publish('news', 'x');
    expect(seen).toEqual(['topic-1', 'all:tick:{"n":3}', 'topic-2', 'all:news:"x"']);
    expect(bus.subscriberCount('tick')).toBe(3);
    expect(bus.subscriberCount('news')).toBe(1);
  });

  it('isolates a throwing handler: the others run and the error is reported with topic and message', () => {
    const { bus, errors } = quietBus();
    const seen: number[] = [];
    const boom = new Error('boom');
    bus.subscribe('tick', (m) => seen.push(m.n));
    bus.subscribe('tick', () => {
      throw boom;
    });
    bus.subscribe('tick', (m) => seen.push(m.n * 10));
    bus.publish('tick', { n: 2 });
    expect(seen).toEqual([2, 20]);
    expect(errors).toEqual([[boom, 'tick', { n: 2 }]]);
  });

  it('by default collects handler errors and writes them to stderr', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const bus = new MessageBus<Topics>({ maxCollectedErrors: 2 });
      bus.subscribe('news', (m) => {
        throw new Error(`bad ${m}`);
      });
      bus.publish('news', '1');
      bus.publish('news', '2');
      bus.publish('news', '3');
      expect(bus.handlerErrors.map((e) => (e.error as Error).message)).toEqual(['bad 2', 'bad 3']);
      expect(write).toHaveBeenCalledTimes(3);
      expect(String(write.mock.calls[0]![0])).toContain('bad 1');
    } finally {
      write.mockRestore();
    }
  });

  it('survives a throwing error reporter and still runs the remaining handlers', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const bus = new MessageBus<Topics>({
        onHandlerError: () => {
          throw new Error('reporter down');
        },
      });
      let reached = false;
      bus.subscribe('news', () => {
        throw new Error('handler');
      });
      bus.subscribe('news', () => (reached = true));
      bus.publish('news', 'x');
      expect(reached).toBe(true);
      expect(String(write.mock.calls[0]![0])).toContain('reporter down');
    } finally {
      write.mockRestore();
    }
  });

  it('unsubscribes, and unsubscribing twice is harmless', () => {
    const { bus } = quietBus();
    const seen: number[] = [];
    const off = bus.subscribe('tick', (m) => seen.push(m.n));
    const offAll = bus.subscribeAll(() => seen.push(-1));
    bus.publish('tick', { n: 1 });
    off();
    off();
    offAll();
    bus.publish('tick', { n: 2 });
    expect(seen).toEqual([1, -1]);
    expect(bus.subscriberCount('tick')).toBe(0);
  });

  it('is safe when handlers unsubscribe themselves or others during a publish', () => {
    const { bus } = quietBus();
    const seen: string[] = [];
    const offSelf: Array<() => void> = [];
    offSelf.push(
      bus.subscribe('tick', () => {
        seen.push('once');
        offSelf[0]!();
      }),
    );
    let offLater: () => void = () => undefined;
    bus.subscribe('tick', () => {
      seen.push('remover');
      offLater();
    });
    offLater = bus.subscribe('tick', () => seen.push('removed'));
    bus.subscribe('tick', () => seen.push('last'));
    bus.publish('tick', { n: 1 });
    bus.publish('tick', { n: 2 });
    // 'removed' is unsubscribed before its turn, so it never runs; 'once' runs exactly once
    expect(seen).toEqual(['once', 'remover', 'last', 'remover', 'last']);
  });

  it('delivers to handlers subscribed during a publish from the next message on', () => {
    const { bus } = quietBus();
    const seen: string[] = [];
    let added = false;
    bus.subscribe('tick', (m) => {
      seen.push(`outer${m.n}`);
      if (!added) {
        added = true;
        bus.subscribe('tick', (x) => seen.push(`added${x.n}`));
      }
    });
    bus.publish('tick', { n: 1 });
    bus.publish('tick', { n: 2 });
    expect(seen).toEqual(['outer1', 'outer2', 'added2']);
  });

  it('delivers a nested publish depth first', () => {
    const { bus } = quietBus();
    const seen: string[] = [];
    bus.subscribe('tick', () => {
      seen.push('tick-1');
      bus.publish('news', 'nested');
    });
    bus.subscribe('tick', () => seen.push('tick-2'));
    bus.subscribe('news', (m) => seen.push(m));
    bus.publish('tick', { n: 1 });
    expect(seen).toEqual(['tick-1', 'nested', 'tick-2']);
  });
});

import { describe, expect, it } from 'vitest';
import { Component, type ComponentState } from '../../src/core/lifecycle.ts';
import { SherwoodError } from '../../src/core/errors.ts';

class Recorder extends Component {
  readonly calls: string[] = [];
  failOn: string | undefined;
  gate: Promise<void> | undefined;

  constructor() {
    super('recorder');
  }

  async #hook(name: string): Promise<void> {
    this.calls.push(name);
    if (this.gate) await this.gate;
    if (this.failOn === name) throw new Error(`${name} broke`);
  }
  protected override onInitialize(): Promise<void> {
    return this.#hook('init');
  }
  protected override onStart(): Promise<void> {
    return this.#hook('start');
  }
  protected override onStop(): Promise<void> {
    return this.#hook('stop');
  }
  protected override onDispose(): Promise<void> {
    return this.#hook('dispose');
  }
}

async function inState(state: ComponentState): Promise<Recorder> {
  const c = new Recorder();
  const paths: Record<ComponentState, Array<(x: Recorder) => Promise<void> | void>> = {
    created: [],
    initialized: [(x) => x.initialize()],
    running: [(x) => x.initialize(), (x) => x.start()],
    degraded: [(x) => x.initialize(), (x) => x.start(), (x) => x.degrade('stale data')],
    faulted: [(x) => x.initialize(), (x) => x.start(), (x) => x.fault('venue down')],
    stopped: [(x) => x.initialize(), (x) => x.start(), (x) => x.stop()],
    disposed: [(x) => x.dispose()],
  };
  for (const step of paths[state]) await step(c);
  expect(c.state).toBe(state);
  c.calls.length = 0;
  return c;
}

describe('Component lifecycle', () => {
  it('walks the happy path, calling each hook once, and reports every change', async () => {
    const c = new Recorder();
    const changes: string[] = [];
    c.onStateChange(({ from, to }) => changes.push(`${from}->${to}`));
    expect(c.state).toBe('created');
    await c.initialize();
    await c.start();
    expect(c.isRunning).toBe(true);
    await c.stop();
    await c.dispose();
    expect(c.calls).toEqual(['init', 'start', 'stop', 'dispose']);
    expect(changes).toEqual(['created->initialized', 'initialized->running', 'running->stopped', 'stopped->disposed']);
  });

  it('degrades with a reason, recovers, and faults', async () => {
    const c = await inState('running');
    c.degrade('market data stale');
    expect(c.state).toBe('degraded');
    expect(c.stateReason).toBe('market data stale');
    expect(c.isRunning).toBe(true);
    c.recover();
    expect(c.state).toBe('running');
    expect(c.stateReason).toBeUndefined();
    c.degrade('slow');
    c.fault('venue unreachable');
    expect(c.state).toBe('faulted');
    await c.stop();
    expect(c.state).toBe('stopped');
  });

  it('can start again after a stop', async () => {
    const c = await inState('stopped');
    await c.start();
    expect(c.state).toBe('running');
  });

  it('makes stop() idempotent and harmless before start', async () => {
    for (const state of ['created', 'initialized', 'stopped', 'disposed'] as const) {
      const c = await inState(state);
      await c.stop();
      expect(c.state).toBe(state);
      expect(c.calls).toEqual([]);
    }
  });

  it('disposes a running component by stopping it first; dispose twice is harmless', async () => {
    const c = await inState('running');
    await c.dispose();
    await c.dispose();
    expect(c.calls).toEqual(['stop', 'dispose']);
    expect(c.state).toBe('disposed');
  });

  const illegal: Array<[ComponentState, 'initialize' | 'start' | 'degrade' | 'recover' | 'fault']> = [
    ['initialized', 'initialize'],
    ['running', 'initialize'],
    ['created', 'start'],
    ['running', 'start'],
    ['degraded', 'start'],
    ['faulted', 'start'],
    ['disposed', 'start'],
    ['disposed', 'initialize'],
    ['initialized', 'degrade'],
    ['stopped', 'degrade'],
    ['running', 'recover'],
    ['faulted', 'recover'],
    ['stopped', 'fault'],
    ['created', 'fault'],
  ];
  it.each(illegal)('in state %s, %s() throws a SherwoodError naming state and action', async (state, action) => {
    const c = await inState(state);
    const call = async (): Promise<void> => {
      if (action === 'initialize' || action === 'start') await c[action]();
      else if (action === 'recover') c.recover();
      else c[action]('why');
    };
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SherwoodError);
    expect((error as SherwoodError).code).toBe('ILLEGAL_LIFECYCLE_CALL');
    expect((error as SherwoodError).message).toContain(`cannot ${action} in state ${state}`);
    expect(c.state).toBe(state);
  });

  it('leaves created after a failing initialize (retry allowed) and faulted after a failing start', async () => {
    const c = new Recorder();
    c.failOn = 'init';
    await expect(c.initialize()).rejects.toThrow('init broke');
    expect(c.state).toBe('created');
    c.failOn = 'start';
    await c.initialize();
    await expect(c.start()).rejects.toThrow('start broke');
    expect(c.state).toBe('faulted');
    expect(c.stateReason).toContain('start broke');
    c.failOn = undefined;
    await c.stop();
    expect(c.state).toBe('stopped');
  });

  it('refuses a lifecycle call while another is in progress', async () => {
    const c = await inState('initialized');
    let open: () => void = () => undefined;
    c.gate = new Promise<void>((r) => (open = r));
    const starting = c.start();
    await expect(c.stop()).rejects.toThrow(/while it is still running start\(\)/);
    open();
    await starting;
    expect(c.state).toBe('running');
  });
});

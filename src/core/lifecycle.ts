// Every engine component is a small state machine, so that the orchestrator can start, degrade, stop and dispose them
// uniformly and an out-of-order call is caught as the bug it is.
import { SherwoodError } from './errors.ts';

export type ComponentState = 'created' | 'initialized' | 'running' | 'degraded' | 'faulted' | 'stopped' | 'disposed';

export type LifecycleAction = 'initialize' | 'start' | 'stop' | 'dispose' | 'degrade' | 'recover' | 'fault';

export type StateChangeListener = (change: {
  readonly component: string;
  readonly from: ComponentState;
  readonly to: ComponentState;
  readonly reason: string | undefined;
}) => void;

/** The states each action may be called from. */
const ALLOWED_FROM: Record<LifecycleAction, readonly ComponentState[]> = {
  initialize: ['created'],
  start: ['initialized', 'stopped'],
  stop: ['running', 'degraded', 'faulted'],
  dispose: ['created', 'initialized', 'stopped', 'running', 'degraded', 'faulted'],
  degrade: ['running'],
  recover: ['degraded'],
  fault: ['running', 'degraded'],
};

/**
 * Base class: subclasses override the `on*` hooks. Rules:
 * - `initialize()` created → initialized; a failing hook leaves the state `created` (it may be retried).
 * - `start()` initialized|stopped → running; a failing hook leaves the component `faulted` (so `stop()` can clean up).
 * - `stop()` running|degraded|faulted → stopped. Idempotent: in any other state it does nothing, so a shutdown can stop
 *   every component without tracking which ones started. A failing `onStop` leaves it `faulted`.
 * - `dispose()` stops first if needed, then → disposed; idempotent once disposed.
 * - `degrade(reason)` running → degraded, `recover()` degraded → running, `fault(reason)` running|degraded → faulted.
 * Any other call, or a call while another lifecycle call is still in progress, throws a SherwoodError
 * (code ILLEGAL_LIFECYCLE_CALL) naming the component, its state and the action.
 */
export abstract class Component {
  readonly name: string;
  #state: ComponentState = 'created';
  #stateReason: string | undefined;
  #inProgress: LifecycleAction | undefined;
  readonly #listeners: StateChangeListener[] = [];

  constructor(name: string) {
    this.name = name;
  }

  get state(): ComponentState {
    return this.#state;
  }

  /** Why the component is degraded or faulted (undefined otherwise). */
  get stateReason(): string | undefined {
    return this.#stateReason;
  }

  get isRunning(): boolean {
    return this.#state === 'running' || this.#state === 'degraded';
  }

  /** Listens to every state change; returns an unsubscribe function. */
  onStateChange(listener: StateChangeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  async initialize(): Promise<void> {
    this.#check('initialize');
    await this.#run('initialize', () => this.onInitialize(), 'initialized', undefined);
  }

  async start(): Promise<void> {
    this.#check('start');
    await this.#run('start', () => this.onStart(), 'running', 'faulted');
  }

  async stop(): Promise<void> {
    if (this.#inProgress === undefined && !ALLOWED_FROM.stop.includes(this.#state)) return;
    this.#check('stop');
    await this.#run('stop', () => this.onStop(), 'stopped', 'faulted');
  }

  async dispose(): Promise<void> {
    if (this.#inProgress === undefined && this.#state === 'disposed') return;
    this.#check('dispose');
    if (ALLOWED_FROM.stop.includes(this.#state)) await this.stop();
    await this.#run('dispose', () => this.onDispose(), 'disposed', undefined);
  }

  /** Still running, with reduced capability (e.g. market data is stale); says why. */
  degrade(reason: string): void {
    this.#check('degrade');
    this.#setState('degraded', reason);
  }

  recover(): void {
    this.#check('recover');
    this.#setState('running', undefined);
  }

  /** Cannot carry on; only `stop()` or `dispose()` are left. */
  fault(reason: string): void {
    this.#check('fault');
    this.#setState('faulted', reason);
  }

  protected onInitialize(): Promise<void> | void {}
  protected onStart(): Promise<void> | void {}
  protected onStop(): Promise<void> | void {}
  protected onDispose(): Promise<void> | void {}

  #check(action: LifecycleAction): void {
    if (this.#inProgress !== undefined) {
      throw new SherwoodError(
        `component "${this.name}" cannot ${action} while it is still running ${this.#inProgress}() (state ${this.#state})`,
        'ILLEGAL_LIFECYCLE_CALL',
        { component: this.name, state: this.#state, action, inProgress: this.#inProgress },
      );
    }
    const allowed = ALLOWED_FROM[action];
    if (!allowed.includes(this.#state)) {
      throw new SherwoodError(
        `component "${this.name}" cannot ${action} in state ${this.#state} (allowed from: ${allowed.join(', ')})`,
        'ILLEGAL_LIFECYCLE_CALL',
        { component: this.name, state: this.#state, action, allowedFrom: allowed },
      );
    }
  }

  async #run(
    action: LifecycleAction,
    hook: () => Promise<void> | void,
    success: ComponentState,
    onFailure: ComponentState | undefined,
  ): Promise<void> {
    this.#inProgress = action;
    try {
      await hook();
    } catch (error) {
      this.#inProgress = undefined;
      if (onFailure)
        this.#setState(onFailure, `${action} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    this.#inProgress = undefined;
    this.#setState(success, undefined);
  }

  #setState(to: ComponentState, reason: string | undefined): void {
    const from = this.#state;
    this.#state = to;
    this.#stateReason = reason;
    for (const listener of [...this.#listeners]) listener({ component: this.name, from, to, reason });
  }
}

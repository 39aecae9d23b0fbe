// The in-process message bus: typed topics, synchronous delivery in subscription order. Handlers are isolated from
// each other: one that throws is reported and the others still run.

/** Called when a handler throws; the bus then carries on with the next handler. */
export type HandlerErrorReporter = (error: unknown, topic: string, message: unknown) => void;

export interface HandlerErrorRecord {
  readonly error: unknown;
  readonly topic: string;
  readonly message: unknown;
}

export interface MessageBusOptions {
  /** Default: keep the last `maxCollectedErrors` in `handlerErrors` and write each to stderr. */
  onHandlerError?: HandlerErrorReporter;
  /** How many errors the default reporter keeps (default 100). */
  maxCollectedErrors?: number;
}

type TopicOf<Topics> = keyof Topics & string;

/** A handler for every topic (the journal): receives the topic and the message. */
export type AnyTopicHandler<Topics extends Record<string, unknown>> = <K extends TopicOf<Topics>>(
  topic: K,
  message: Topics[K],
) => void;

interface Subscription {
  readonly seq: number;
  readonly call: (message: unknown, topic: string) => void;
  active: boolean;
}

/**
 * Publishing takes a snapshot of the topic's subscribers: a handler subscribed during a publish sees the next message,
 * not the current one; a handler unsubscribed during a publish is not called again, even later in that publish. A
 * publish from inside a handler is delivered at once (depth first), before the outer publish continues.
 */
export class MessageBus<Topics extends Record<string, unknown>> {
  readonly #byTopic = new Map<string, Subscription[]>();
  #wildcard: Subscription[] = [];
  /** Per topic: topic and wildcard subscribers merged in subscription order; rebuilt after any (un)subscribe. */
  readonly #delivery = new Map<string, Subscription[]>();
  #nextSeq = 0;
  readonly #onHandlerError: HandlerErrorReporter;
  readonly #maxCollected: number;
  readonly #collected: HandlerErrorRecord[] = [];

  constructor(options: MessageBusOptions = {}) {
    this.#maxCollected = options.maxCollectedErrors ?? 100;
    this.#onHandlerError = options.onHandlerError ?? ((error, topic, message) => this.#collect(error, topic, message));
  }

  subscribe<K extends TopicOf<Topics>>(topic: K, handler: (message: Topics[K]) => void): () => void {
    const sub: Subscription = {
      seq: this.#nextSeq++,
      call: handler as (message: unknown) => void,
      active: true,
    };
    this.#byTopic.set(topic, [...(this.#byTopic.get(topic) ?? []), sub]);
    this.#delivery.delete(topic);
    return () => {
      if (!sub.active) return;
      sub.active = false;
      const remaining = (this.#byTopic.get(topic) ?? []).filter((s) => s !== sub);
      if (remaining.length === 0) this.#byTopic.delete(topic);
      else this.#byTopic.set(topic, remaining);
      this.#delivery.delete(topic);
    };
  }

  /** Every message of every topic, in the same subscription order as topic handlers. */
  subscribeAll(handler: AnyTopicHandler<Topics>): () => void {
    const anyHandler = handler as (topic: string, message: unknown) => void;
    const sub: Subscription = {
      seq: this.#nextSeq++,
      call: (message, topic) => anyHandler(topic, message),
      active: true,
    };
    this.#wildcard = [...this.#wildcard, sub];
    this.#delivery.clear();
    return () => {
      if (!sub.active) return;
      sub.active = false;
      this.#wildcard = this.#wildcard.filter((s) => s !== sub);
      this.#delivery.clear();
    };
  }

  publish<K extends TopicOf<Topics>>(topic: K, message: Topics[K]): void {
    const subs = this.#delivery.get(topic) ?? this.#buildDelivery(topic);
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      if (!sub.active) continue;
      try {
        sub.call(message, topic);
      } catch (error) {
        this.#report(error, topic, message);
      }
    }
  }

  /** Number of handlers that would receive a message on `topic` (topic handlers plus subscribeAll handlers). */
  subscriberCount(topic: TopicOf<Topics>): number {
    return (this.#byTopic.get(topic)?.length ?? 0) + this.#wildcard.length;
  }

  /** Errors collected by the default reporter (the most recent ones). Empty when a custom reporter is injected. */
  get handlerErrors(): readonly HandlerErrorRecord[] {
    return this.#collected;
  }

  #buildDelivery(topic: string): Subscription[] {
    const own = this.#byTopic.get(topic) ?? [];
    const all = this.#wildcard;
    let merged: Subscription[];
    if (all.length === 0) merged = own;
    else if (own.length === 0) merged = all;
    else merged = [...own, ...all].sort((a, b) => a.seq - b.seq);
    this.#delivery.set(topic, merged);
    return merged;
  }

  #report(error: unknown, topic: string, message: unknown): void {
    try {
      this.#onHandlerError(error, topic, message);
    } catch (reporterError) {
      // The reporter itself failed: say so rather than lose both errors.
      process.stderr.write(
        `message bus: error reporter threw (${describe(reporterError)}) while reporting a handler error on "${topic}": ${describe(error)}\n`,
      );
    }
  }

  #collect(error: unknown, topic: string, message: unknown): void {
    this.#collected.push({ error, topic, message });
    if (this.#collected.length > this.#maxCollected) this.#collected.shift();
    process.stderr.write(`message bus: a handler on "${topic}" threw: ${describe(error)}\n`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

import { MessageBus } from '../src/core/message-bus.ts';
import { measure } from './util.ts';

interface Topics extends Record<string, unknown> {
  quote: { symbol: string; bid: number; ask: number };
}

// `measure` awaits each op, which would cost more than a publish: each op is a batch of publishes instead.
const BATCH = 1_000;

async function publishes(name: string, bus: MessageBus<Topics>): Promise<void> {
  const message = { symbol: 'BTC-USD', bid: 64_000, ask: 64_001 };
  const result = await measure(`${name} (batches of ${BATCH})`, 5_000, () => {
    for (let i = 0; i < BATCH; i++) bus.publish('quote', message);
  });
  console.log(`  → ${(result.opsPerSec * BATCH).toFixed(0)} publishes/s`);
}

export async function run(): Promise<void> {
  let sink = 0;
  for (const subscribers of [1, 10]) {
    const bus = new MessageBus<Topics>();
    for (let i = 0; i < subscribers; i++) bus.subscribe('quote', (m) => (sink += m.bid));
    await publishes(`bus publish, ${subscribers} subscriber(s)`, bus);
  }
  const bus = new MessageBus<Topics>();
  for (let i = 0; i < 10; i++) bus.subscribe('quote', (m) => (sink += m.ask));
  bus.subscribeAll(() => sink++);
  await publishes('bus publish, 10 subscribers + subscribeAll', bus);
  if (sink === 0) console.log('(unreachable: keeps the handlers from being optimized away)');
}

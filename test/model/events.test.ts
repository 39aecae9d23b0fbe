import { describe, expect, it } from 'vitest';
import { toPlain } from '../../src/core/decimal.ts';
import { assertNever, orderEventFields, positionEventFor, type TradingEvent } from '../../src/model/events.ts';
import { createFill } from '../../src/model/fill.ts';
import { createOrder, withVenueOrderId } from '../../src/model/order.ts';
import { applyFillToPosition, emptyPosition } from '../../src/model/position.ts';

const fill = (id: string, side: 'buy' | 'sell', quantity: string, price: string) =>
  createFill({ id, clientOrderId: 'c', symbol: 'BTC-USD', side, quantity, price, timestamp: 5 });

function label(event: TradingEvent): string {
  switch (event.type) {
    case 'OrderSubmitted':
    case 'OrderAccepted':
    case 'OrderPartiallyFilled':
    case 'OrderFilled':
    case 'OrderCanceled':
    case 'OrderRejected':
    case 'OrderFailed':
    case 'OrderUnknown':
    case 'OrderUpdated':
      return `${event.type} ${event.clientOrderId}`;
    case 'OrderDenied':
      return `denied: ${event.reason}`;
    case 'PositionOpened':
    case 'PositionChanged':
    case 'PositionClosed':
      return `${event.type} ${toPlain(event.realizedPnlDelta)}`;
    case 'EquityUpdated':
      return `equity ${event.equity}`;
    default:
      return assertNever(event);
  }
}

describe('events', () => {
  it('builds order events from the order snapshot, and they serialize for the journal', () => {
    const order = withVenueOrderId(
      createOrder({
        clientOrderId: 'c1',
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'market',
        quantity: '0.1',
        createdAt: 1,
        strategyId: 's',
      }),
      'v1',
    );
    const event: TradingEvent = { type: 'OrderAccepted', ...orderEventFields(order, 10), orderId: 'v1' };
    expect(event).toMatchObject({
      clientOrderId: 'c1',
      orderId: 'v1',
      symbol: 'BTC-USD',
      strategyId: 's',
      timestamp: 10,
    });
    expect(label(event)).toBe('OrderAccepted c1');
    const json = JSON.parse(JSON.stringify(event)) as { order: { quantity: string } };
    expect(json.order.quantity).toBe('0.1'); // decimals serialize as exact strings
  });

  it('derives opened / changed / closed position events with the realized PnL of the fill', () => {
    const empty = emptyPosition('BTC-USD');
    const f1 = fill('f1', 'buy', '1', '100');
    const p1 = applyFillToPosition(empty, f1);
    const f2 = fill('f2', 'sell', '0.5', '120');
    const p2 = applyFillToPosition(p1, f2);
    const f3 = fill('f3', 'sell', '0.5', '90');
    const p3 = applyFillToPosition(p2, f3);
    const events = [
      positionEventFor(empty, p1, f1, 1),
      positionEventFor(p1, p2, f2, 2),
      positionEventFor(p2, p3, f3, 3),
    ];
    expect(events.map((e) => e && label(e))).toEqual(['PositionOpened 0', 'PositionChanged 10', 'PositionClosed -5']);
    expect(events[1]).toMatchObject({ change: 'reduced', fillId: 'f2' });
    expect(positionEventFor(p3, p3, f3, 4)).toBeUndefined();
    expect(
      label({
        type: 'OrderDenied',
        timestamp: 1,
        symbol: 'BTC-USD',
        side: 'buy',
        orderType: 'market',
        reason: 'max position',
      }),
    ).toBe('denied: max position');
  });
});

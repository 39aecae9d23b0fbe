// Bad rows in hand-made files: each is reported as `file:line: what (got …)`, or skipped and counted.
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src/core/errors.ts';
import { openBars, openDepth, openQuotes, openTrades } from '../../../src/data/historical/index.ts';
import { collect, tempDir } from './helpers.ts';

const HEADER = 'timestamp,date,open,high,low,close,volume';
const row = (ts: number, o: string, h: string, l: string, c: string, v = '1'): string =>
  `${ts},${new Date(ts).toISOString()},${o},${h},${l},${c},${v}`;
const T0 = 1_700_000_000_000;
const M = 60_000;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function failure(stream: AsyncIterable<unknown>): Promise<DataError> {
  try {
    await collect(stream);
  } catch (err) {
    if (err instanceof DataError) return err;
    throw err;
  }
  throw new Error('expected a DataError');
}

describe('bar validation', () => {
  const good = [row(T0, '10', '12', '9', '11'), row(T0 + M, '11', '13', '10', '12')];

  it('reports a timestamp that goes backwards with file and line', async () => {
    const file = tmp.write('BTC_USDT-1m.csv', [HEADER, ...good, row(T0, '12', '13', '11', '12')].join('\n'));
    const err = await failure(openBars(file));
    expect(err.message).toBe(
      `${file}:4: timestamp is not after the previous row's 2023-11-14T22:14:20.000Z (got "2023-11-14T22:13:20.000Z")`,
    );
    expect(err.details).toEqual({ file, line: 4 });
  });

  it('rejects a repeated timestamp for bars (strictly increasing)', async () => {
    const file = tmp.write('dup-1m.csv', [HEADER, ...good, row(T0 + M, '12', '13', '11', '12')].join('\n'));
    expect((await failure(openBars(file, { symbol: 'BTC-USD' }))).details).toEqual({ file, line: 4 });
  });

  it('reports high below low', async () => {
    const file = tmp.write('ETH_USDT-1m.csv.gz', [HEADER, good[0], row(T0 + M, '11', '9', '12', '10')].join('\n'));
    const err = await failure(openBars(file));
    expect(err.message).toBe(`${file}:3: high 9 is below low 12 (got "low=12 high=9")`);
  });

  it('reports OHLC inconsistencies and negative volume', async () => {
    const cases: [string, RegExp][] = [
      [row(T0, '10', '12', '10.5', '11'), /:2: low is above min\(open, close\) 10 \(got 10.5\)$/],
      [row(T0, '10', '11.5', '9', '12'), /:2: high is below max\(open, close\) 12 \(got 11.5\)$/],
      [row(T0, '10', '12', '9', '11', '-1'), /:2: volume is negative \(got -1\)$/],
    ];
    for (const [i, [line, message]] of cases.entries()) {
      const file = tmp.write(`case${i}_BTC_USDT-1h.csv`, `${HEADER}\n${line}\n`);
      expect((await failure(openBars(file))).message).toMatch(message);
    }
  });

  it('reports NaN, empty and non-numeric cells', async () => {
    for (const [i, cell] of ['NaN', '', 'abc', 'Infinity'].entries()) {
      const file = tmp.write(`nan${i}_BTC_USDT-1h.csv`, `${HEADER}\n${row(T0, '10', cell, '9', '11')}\n`);
      expect((await failure(openBars(file))).message).toBe(
        `${file}:2: high is not a finite number (got ${JSON.stringify(cell)})`,
      );
    }
  });

  it('reports a wrong column count and an unreadable timestamp', async () => {
    const short = tmp.write('short_BTC_USDT-1h.csv', `${HEADER}\n${T0},x,1,2,0.5\n`);
    expect((await failure(openBars(short))).message).toBe(`${short}:2: expected 7 columns, found 5 (got "${T0},x,1,2,0.5")`);
    const badTime = tmp.write('time_BTC_USDT-1h.csv', `${HEADER}\nyesterday,x,1,2,0.5,1,1\n`);
    expect((await failure(openBars(badTime))).message).toMatch(/:2: timestamp is not an epoch number or a UTC date/);
  });

  it('skips and counts bad rows with onInvalid: skip', async () => {
    const lines = [
      HEADER,
      good[0],
      row(T0 + M, '11', '9', '12', '10'), // high < low
      'garbage',
      good[1],
      row(T0, '10', '12', '9', '11'), // back in time
      row(T0 + 2 * M, '12', '13', '11', '12'),
    ];
    const stream = openBars(tmp.write('skip_BTC_USDT-1m.csv', lines.join('\n')), { onInvalid: 'skip' });
    const bars = await collect(stream);
    expect(bars.map((b) => b.timestamp)).toEqual([T0, T0 + M, T0 + 2 * M]);
    expect(stream.stats).toMatchObject({ rowsRead: 6, emitted: 3, skipped: 3 });
    expect(stream.stats.skippedSamples.map((m) => m.split(': ')[0]?.split(':').pop())).toEqual(['3', '4', '6']);
  });

  it('infers the interval from the first two rows when the name does not say it', async () => {
    const file = tmp.write('mine.csv', [HEADER, ...good].join('\n'));
    const bars = await collect(openBars(file, { symbol: 'btc/usd' }));
    expect(bars.map((b) => [b.symbol, b.intervalMs])).toEqual([
      ['BTC-USD', M],
      ['BTC-USD', M],
    ]);
    const single = tmp.write('single.csv', [HEADER, good[0]].join('\n'));
    await expect(collect(openBars(single, { symbol: 'BTC-USD' }))).rejects.toThrow(/cannot infer the bar interval/);
    expect(await collect(openBars(single, { symbol: 'BTC-USD', intervalMs: M }))).toHaveLength(1);
  });

  it('reads a generic timestamp,open,high,low,close file with text times and CRLF line ends', async () => {
    const text = 'timestamp,open,high,low,close,volume\r\n2024-01-01 00:00:00,1,2,0.5,1.5,3\r\n2024-01-01 01:00:00,1.5,2,1,1,4\r\n';
    const bars = await collect(openBars(tmp.write('SOL_USD-1h.csv', text)));
    expect(bars[1]).toEqual({
      symbol: 'SOL-USD',
      timestamp: Date.parse('2024-01-01T01:00:00Z'),
      intervalMs: 3_600_000,
      open: 1.5,
      high: 2,
      low: 1,
      close: 1,
      volume: 4,
    });
  });

  it('reports bad freqtrade JSON elements', async () => {
    const file = tmp.write('BTC_USDT-1h.json', `[[${T0},1,2,0.5,1.5,3],\n[${T0 + 3_600_000},1,2,0.5,"x",3]]`);
    const err = await failure(openBars(file));
    expect(err.message).toBe(`${file}:2: element 2: close is not a finite number (got "x")`);
    const unclosed = tmp.write('BTC_USDT-1d.json', `[[${T0},1,2,0.5,1.5,3]`);
    await expect(collect(openBars(unclosed))).rejects.toThrow(/JSON array is not closed/);
  });

  it('fails clearly on a missing file, an unknown format and the wrong kind of data', async () => {
    await expect(collect(openBars(tmp.path('nope.csv')))).rejects.toThrow(/nope\.csv: cannot open/);
    const odd = tmp.write('odd.csv', 'a,b,c\n1,2,3\n');
    await expect(collect(openBars(odd))).rejects.toThrow(/unrecognised data format/);
    const trades = tmp.write(
      'btcusdt_trades.csv',
      'local_ts_ns,event_time_ms,trade_time_ms,trade_id,price,qty,is_buyer_maker\n1723161254087896568,1723161255343,1723161255342,1,10,1,true\n',
    );
    await expect(collect(openBars(trades))).rejects.toThrow(/holds trades \(hftbacktest-trades-csv\), not bars/);
  });

  it('rejects invalid options up front', () => {
    expect(() => openBars('x.csv', { from: 10, to: 5 })).toThrow(/to 5 must be after from 10/);
    expect(() => openBars('x.csv', { onInvalid: 'ignore' as 'skip' })).toThrow(/onInvalid/);
  });
});

describe('tick validation', () => {
  const TRADES = 'local_ts_ns,event_time_ms,trade_time_ms,trade_id,price,qty,is_buyer_maker';

  it('allows equal trade times but not going back, and checks flags and prices', async () => {
    const ok = tmp.write(
      'ethusdt_trades.csv',
      [TRADES, '1,1000,1000,1,10,1,true', '2,1000,1000,2,10,1,false', '3,999,999,3,10,1,true'].join('\n'),
    );
    const err = await failure(openTrades(ok));
    expect(err.details).toEqual({ file: ok, line: 4 });
    const flag = tmp.write('solusdt_trades.csv', [TRADES, '1,1000,1000,1,10,1,maybe'].join('\n'));
    expect((await failure(openTrades(flag))).message).toMatch(/:2: buyer-maker flag is not true or false \(got "maybe"\)/);
    const price = tmp.write('xrpusdt_trades.csv', [TRADES, '1,1000,1000,1,-10,1,true'].join('\n'));
    expect((await failure(openTrades(price))).message).toMatch(/:2: price must be positive \(got "-10"\)/);
  });

  it('reports bad bbo and depth rows', async () => {
    const bbo = tmp.write(
      'btcusdt_bbo.csv',
      'local_ts_ns,update_id,bid_price,bid_qty,ask_price,ask_qty\n1723161254087891268,1,10,1,NaN,1\n',
    );
    expect((await failure(openQuotes(bbo))).message).toMatch(/btcusdt_bbo\.csv:2: ask_price is not a finite number/);
    const depth = tmp.write(
      'btcusdt_depth_updates.csv',
      'local_ts_ns,event_time_ms,first_update_id,final_update_id,side,price,qty\n1,1000,5,7,b,10,1\n1,1000,5,7,x,10,1\n',
    );
    expect((await failure(openDepth(depth))).message).toMatch(/:3: side is not b or a \(got "x"\)/);
    const skipped = openDepth(depth, { onInvalid: 'skip' });
    const updates = await collect(skipped);
    expect(updates).toHaveLength(1);
    expect(skipped.stats.skipped).toBe(1);
  });
});

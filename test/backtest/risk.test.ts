// `sherwood backtest --risk`: the same RiskEngine as paper and live trading stands between the strategy and the
// venue; denials carry the rule and the numbers into the result, and a drawdown halt stops new risk.
import { describe, expect, it } from 'vitest';
import { runBacktestCommand } from '../../src/cli/commands/backtest.ts';

const base = { strategy: 'trend', symbols: ['BTC-USD'], feeRate: '0.001', risk: true };

describe('backtest with risk limits', () => {
  it('denies entries whose position risk exceeds max_position_risk, with the rule and the figures', async () => {
    const lines: string[] = [];
    const result = await runBacktestCommand({ ...base }, { log: (l) => lines.push(l), tty: false });
    expect(result.fills).toHaveLength(0);
    expect(result.denied.length).toBeGreaterThan(0);
    expect(result.denied.every((d) => d.rule === 'max_position_risk')).toBe(true);
    // trend buys half the equity; the default 5% stop makes that 2.5% of equity at risk, over the 2% limit
    expect(result.denied[0]!.reason).toBe(
      'risk of the BTC-USD position (size × distance to the stop) would be 2.50% of equity; max_position_risk is 2.00%',
    );
  });

  it('halts at max_drawdown and denies every later entry for that reason', async () => {
    const lines: string[] = [];
    const result = await runBacktestCommand(
      {
        ...base,
        set: [
          'risk.max_position_risk=1',
          'risk.max_portfolio_risk=1',
          'risk.max_asset_concentration=1',
          'risk.max_gross_exposure=1',
          'risk.max_drawdown=0.1',
        ],
      },
      { log: (l) => lines.push(l), tty: false },
    );
    const halt = lines.find((l) => l.includes('RUNNING → HALTED'));
    expect(halt).toMatch(/drawdown 10\.\d\d% from peak .* reached max_drawdown 10\.00%/);
    expect(result.fills.length).toBeGreaterThan(0);
    expect(result.denied.length).toBeGreaterThan(0);
    // after the halt nothing but denials: the last fill is before the first denial
    const lastFill = Math.max(...result.fills.map((f) => Date.parse(f.time)));
    expect(Math.min(...result.denied.map((d) => d.timestamp))).toBeGreaterThan(lastFill);
  });
});

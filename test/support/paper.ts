// The `--set` layer every fast paper-session test starts from: its own data dir, any free simulator port, a replay
// fast enough to trade within seconds, quick polls and 1 s bars, no metrics server (port 9464 may be taken).
// Later sets override these (the loader applies them in order).
export function fastPaperSets(dir: string, ...extra: string[]): string[] {
  return [
    `app.data_dir=${dir}`,
    'simulator.port=0',
    'simulator.speed=36000',
    'market_data.poll_interval_ms=250',
    'market_data.bar_interval_ms=1000',
    'monitoring.metrics.enabled=false',
    ...extra,
  ];
}

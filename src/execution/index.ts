// Execution: the order manager, its venue reports and reconciliation. Public surface.
export { ExecutionEngine, EXECUTION_STATE_KEY } from './execution-engine.ts';
export type { ExecutionEngineOptions, CancelFilter, PendingCancel } from './execution-engine.ts';
export { Reconciler, HOLDINGS_BASELINE_KEY } from './reconciler.ts';
export type { ReconcilerOptions, ReconciliationReport, ExternalOrder, HoldingCheck } from './reconciler.ts';
export { applyVenueReport } from './apply-report.ts';
export type { ApplyResult, ApplyContext, ReportStep, OrderChangeEvent } from './apply-report.ts';
export { prepareOrder } from './prepare-order.ts';
export type { PrepareResult } from './prepare-order.ts';
export { SILENT_LOGGER } from './types.ts';
export type * from './types.ts';

// The Robinhood Crypto API client: public surface.
export { RobinhoodClient, DEFAULT_BASE_URL } from './client.ts';
export type { RobinhoodClientOptions, ClientHealth, PlaceOutcome } from './client.ts';
export { createSigner, generateKeyPair, privateKeyFromBase64 } from './signer.ts';
export type { Signer, SignedHeaders, SignInput, GeneratedKeyPair } from './signer.ts';
export { OrderOutcomeUnknown, parseErrorBody } from './errors.ts';
export { RateBudget, MemoryTokenBucket, ROBINHOOD_BUCKET, PRIORITIES } from './rate-budget.ts';
export type { Priority, TokenStore, BucketOptions, RateBudgetOptions, RateBudgetState } from './rate-budget.ts';
export { CircuitBreaker } from './circuit-breaker.ts';
export type { CircuitState, CircuitHealth, EndpointGroup } from './circuit-breaker.ts';
export type { RequestEvent, TransportHooks } from './transport.ts';
export type { OrderFilters, PlaceOrderRequest, TimeInput } from './requests.ts';
export type { Timers } from './timers.ts';
export * from './types.ts';

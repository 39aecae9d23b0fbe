// Robinhood's error shape ({type, errors:[{detail, attr}]}) as a throwable value, so that the engine can refuse
// an order with the exact answer the HTTP layer sends.

export type RhErrorType = 'validation_error' | 'client_error' | 'server_error';

export interface RhErrorItem {
  readonly detail: string;
  readonly attr: string | null;
}

export interface RhErrorBody {
  readonly type: RhErrorType;
  readonly errors: readonly RhErrorItem[];
}

export class SimApiError extends Error {
  readonly status: number;
  readonly body: RhErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: RhErrorBody, headers: Record<string, string> = {}) {
    super(body.errors.map((e) => e.detail).join('; '));
    this.name = 'SimApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** 400 with one field error; `attr` is the field path ("limit_order_config.limit_price") or "non_field_errors". */
export function validationError(detail: string, attr: string): SimApiError {
  return new SimApiError(400, { type: 'validation_error', errors: [{ detail, attr }] });
}

export function validationErrors(errors: RhErrorItem[]): SimApiError {
  return new SimApiError(400, { type: 'validation_error', errors });
}

/** Any 4xx other than 400: `attr` is null. */
export function clientError(status: number, detail: string, headers: Record<string, string> = {}): SimApiError {
  return new SimApiError(status, { type: 'client_error', errors: [{ detail, attr: null }] }, headers);
}

export function serverError(status: number, detail = 'A server error occurred.'): SimApiError {
  return new SimApiError(status, { type: 'server_error', errors: [{ detail, attr: null }] });
}

export const notFound = (): SimApiError => clientError(404, 'Not found.');
export const authFailed = (): SimApiError => clientError(401, 'Authentication failed');

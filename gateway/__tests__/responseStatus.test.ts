import { describe, expect, it } from '@jest/globals';
import { responseStatus } from '../responseStatus.js';

describe('responseStatus', () => {
  it('is 200 for data, for partial data with errors, and for errors that are not the caller\'s input', () => {
    expect(responseStatus({ data: { me: { firstNames: 'A' } } })).toEqual({ status: 200, headers: {} });
    expect(responseStatus({ data: { me: { firstNames: 'A' }, submitRequest: null }, errors: [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }] })).toEqual({ status: 200, headers: {} });
    expect(responseStatus({ data: null, errors: [{ message: 'x', extensions: { code: 'NOT_FOUND' } }] })).toEqual({ status: 200, headers: {} });
    expect(responseStatus({ errors: [{ message: 'x', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }] })).toEqual({ status: 200, headers: {} });
  });

  it('is 400 when nothing came back because of the caller\'s input, and 429 with Retry-After for a rate limit', () => {
    expect(responseStatus({ data: null, errors: [{ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }] })).toEqual({ status: 400, headers: {} });
    expect(responseStatus({ data: { submitRequest: null }, errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 3600.2 } }] }))
      .toEqual({ status: 429, headers: { 'retry-after': '3601' } });
    expect(responseStatus({ data: null, errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED' } }] })).toEqual({ status: 429, headers: {} });
  });
});

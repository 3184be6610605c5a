import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { parse, getOperationAST } from 'graphql';
import { HubError } from '../../lib/errors.js';
import { assertOperationAllowed, readGraphQLRequest, type GraphQLRequest } from '../httpRequest.js';
import { rejectedHubError as refusal } from '../../tests/support/refusals.js';

// Reading a GraphQL request off HTTP: GET for queries with CSRF prevention, POST with JSON, nothing else.

/** A request as node:http hands it over: a readable body with method, target and headers. */
function request(method: string, url: string, headers: Record<string, string> = {}, body = ''): IncomingMessage {
  return Object.assign(Readable.from(body ? [Buffer.from(body)] : []), { method, url, headers }) as unknown as IncomingMessage;
}

function response(): ServerResponse & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { headers, setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse & { headers: Record<string, string> };
}

const limit = { bodyLimitBytes: 1024 };
const GET_TARGET = `/graphql?query=${encodeURIComponent('query Me($x: Boolean!) { me { isAdult @include(if: $x) } }')}&variables=${encodeURIComponent('{"x":true}')}&operationName=Me`;

describe('GET', () => {
  it.each([
    ['apollo-require-preflight', { 'apollo-require-preflight': 'true' }],
    ['x-apollo-operation-name', { 'x-apollo-operation-name': 'Me' }],
    ['a content-type no form can send', { 'content-type': 'application/json' }],
  ])('reads query, variables and operationName from the query string with %s', async (_name, headers) => {
    const res = response();
    expect(await readGraphQLRequest(request('GET', GET_TARGET, headers), res, limit)).toEqual({
      method: 'GET',
      query: 'query Me($x: Boolean!) { me { isAdult @include(if: $x) } }',
      documentHash: undefined,
      operationName: 'Me',
      variables: { x: true },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['no header at all', {}],
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['multipart/form-data', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['application/x-www-form-urlencoded', { 'content-type': 'Application/X-WWW-Form-Urlencoded' }],
    ['an unparseable content-type', { 'content-type': 'nonsense' }],
    ['an empty preflight header', { 'apollo-require-preflight': '' }],
  ])('is refused as a possible CSRF with %s', async (_name, headers) => {
    const error = await refusal(readGraphQLRequest(request('GET', GET_TARGET, headers), response(), limit));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'CSRF_PREVENTED', status: 400 });
    expect(error.message).toBe(
      'A GET request must carry a non-empty apollo-require-preflight or x-apollo-operation-name header, or a content-type other than application/x-www-form-urlencoded, multipart/form-data, text/plain',
    );
  });

  it('refuses a missing query, bad variables, repeated parameters and an oversized target', async () => {
    const preflight = { 'apollo-require-preflight': 'true' };
    const read = (url: string) => refusal(readGraphQLRequest(request('GET', url, preflight), response(), limit));
    expect(await read('/graphql')).toMatchObject({ code: 'BAD_REQUEST', message: 'Send "query", or "documentId" naming a registered document' });
    expect(await read('/graphql?query=')).toMatchObject({ code: 'BAD_REQUEST', message: '"query" must be a non-empty string' });
    expect(await read('/graphql?query=%7Bme%7BisAdult%7D%7D&variables=%7Bx')).toMatchObject({ code: 'BAD_REQUEST', message: '"variables" is not valid JSON' });
    expect(await read('/graphql?query=%7Bme%7BisAdult%7D%7D&variables=%5B1%5D')).toMatchObject({ code: 'BAD_REQUEST', message: '"variables" must be an object' });
    expect(await read('/graphql?query=a&query=b')).toMatchObject({ code: 'BAD_REQUEST', message: '"query" is given more than once' });
    expect(await read(`/graphql?query=${'x'.repeat(1100)}`)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'The request target exceeds 1024 bytes' });
  });
});

describe('POST', () => {
  const json = { 'content-type': 'application/json' };

  it('reads one operation from a JSON body', async () => {
    const body = JSON.stringify({ query: '{ me { isAdult } }', variables: null, operationName: null });
    expect(await readGraphQLRequest(request('POST', '/graphql', json, body), response(), limit)).toEqual({ method: 'POST', query: '{ me { isAdult } }', documentHash: undefined, operationName: undefined, variables: undefined });
  });

  it('refuses a batch, a body that is not JSON, another media type and an oversized body, each by its code', async () => {
    const read = (headers: Record<string, string>, body: string) => refusal(readGraphQLRequest(request('POST', '/graphql', headers, body), response(), limit));
    const batch = JSON.stringify([{ query: '{ me { isAdult } }' }, { query: '{ me { isAdult } }' }]);
    expect(await read(json, batch)).toMatchObject({ code: 'BATCHING_NOT_SUPPORTED', status: 400 });
    expect(await read(json, '{"query":')).toMatchObject({ code: 'BAD_REQUEST', message: 'The request body is not valid JSON' });
    expect(await read({ 'content-type': 'text/plain' }, '{"query":"{ me { isAdult } }"}')).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
    expect(await read(json, JSON.stringify({ query: `{ me { ${'isAdult '.repeat(200)}} }` }))).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });
});

describe('registered documents', () => {
  const hash = 'a'.repeat(64);
  const json = { 'content-type': 'application/json' };
  const post = (body: unknown) => readGraphQLRequest(request('POST', '/graphql', json, JSON.stringify(body)), response(), limit);

  it('reads GraphQL over HTTP\'s documentId and Apollo\'s persistedQuery extension, over POST and GET', async () => {
    expect(await post({ documentId: `sha256:${hash}`, variables: { lang: 'fi' } })).toEqual({ method: 'POST', query: undefined, documentHash: hash, operationName: undefined, variables: { lang: 'fi' } });
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).toMatchObject({ query: undefined, documentHash: hash });
    expect(await post({ query: '{ me { isAdult } }', documentId: `sha256:${hash}` })).toMatchObject({ query: '{ me { isAdult } }', documentHash: hash });
    const viaGet = await readGraphQLRequest(request('GET', `/graphql?documentId=sha256:${hash}`, { 'apollo-require-preflight': '1' }), response(), limit);
    expect(viaGet).toMatchObject({ method: 'GET', query: undefined, documentHash: hash });
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    expect(await readGraphQLRequest(request('GET', `/graphql?extensions=${extensions}`, { 'apollo-require-preflight': '1' }), response(), limit)).toMatchObject({ documentHash: hash });
  });

  it.each([
    ['neither query nor documentId', {}, 'Send "query", or "documentId" naming a registered document'],
    ['a documentId without the sha256: prefix', { documentId: hash }, '"documentId" must be "sha256:" and 64 lowercase hex digits'],
    ['a documentId in upper case', { documentId: `sha256:${hash.toUpperCase()}` }, '"documentId" must be "sha256:" and 64 lowercase hex digits'],
    ['a documentId that is not a string', { documentId: 7 }, '"documentId" must be "sha256:" and 64 lowercase hex digits'],
    ['a persistedQuery of another version', { extensions: { persistedQuery: { version: 2, sha256Hash: hash } } }, '"extensions.persistedQuery" must be { "version": 1, "sha256Hash": "<64 lowercase hex digits>" }'],
    ['a short sha256Hash', { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, '"extensions.persistedQuery" must be { "version": 1, "sha256Hash": "<64 lowercase hex digits>" }'],
    ['extensions that are not an object', { query: '{ me { isAdult } }', extensions: [1] }, '"extensions" must be an object'],
    ['both ways at once', { documentId: `sha256:${hash}`, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, 'Name the document by "documentId" or by "extensions.persistedQuery", not both'],
  ])('refuses %s with 400 BAD_REQUEST', async (_name, body, message) => {
    const error = await refusal(post(body));
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({ code: 'BAD_REQUEST', status: 400, message });
  });
});

describe('other methods', () => {
  it.each(['PUT', 'DELETE', 'PATCH', 'HEAD'])('%s is refused with 405 and Allow: GET, POST', async (method) => {
    const error = await refusal(readGraphQLRequest(request(method, '/graphql', { 'content-type': 'application/json' }), response(), limit));
    expect({ code: error.code, status: error.status, headers: error.headers }).toEqual({ code: 'METHOD_NOT_ALLOWED', status: 405, headers: { allow: 'GET, POST' } });
  });
});

describe('assertOperationAllowed', () => {
  const operation = (query: string) => getOperationAST(parse(query))!;
  const get: GraphQLRequest = { method: 'GET', query: '', documentHash: undefined, operationName: undefined, variables: undefined };
  const post: GraphQLRequest = { ...get, method: 'POST' };

  it('lets GET carry queries only: a mutation is refused with 405 and Allow: POST', () => {
    expect(() => assertOperationAllowed(get, operation('{ me { isAdult } }'))).not.toThrow();
    expect(() => assertOperationAllowed(post, operation('mutation { revokeConsent(id: "1") { id } }'))).not.toThrow();
    let caught: unknown;
    try {
      assertOperationAllowed(get, operation('mutation { revokeConsent(id: "1") { id } }'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405, headers: { allow: 'POST' }, message: 'GET carries queries only: send mutations with POST' });
  });

  it('refuses subscriptions whatever the method', () => {
    expect(() => assertOperationAllowed(post, operation('subscription { changes }'))).toThrow(new HubError('BAD_REQUEST', 'Subscriptions are not supported'));
  });
});

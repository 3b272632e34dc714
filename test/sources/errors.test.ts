import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redact, SourceError, safeCause } from '../../src/sources/errors.ts';

describe('source errors', () => {
  it('drop a cause that carries the password anywhere a logger could print it', () => {
    // prepare: pg-pool, for one, attaches the client (and its connection parameters) to some errors
    const leaky = Object.assign(new Error('Connection terminated'), {
      client: { connectionParameters: { user: 'reader', password: 'Pa55-w0rd-x' } },
    });
    const clean = new Error('connect ECONNREFUSED 127.0.0.1:5432');

    // act
    const error = new SourceError('connection', 'could not connect', {
      cause: safeCause(leaky, 'Pa55-w0rd-x'),
    });

    // assess
    expect(inspect(error, { depth: null, showHidden: true })).not.toContain('Pa55-w0rd-x');
    expect(safeCause(clean, 'Pa55-w0rd-x')).toBe(clean);
  });

  it('redact the password from a driver message', () => {
    expect(redact('bad password Pa55-w0rd-x for reader', 'Pa55-w0rd-x')).toBe('bad password *** for reader');
    expect(redact('nothing to hide', '')).toBe('nothing to hide');
  });
});

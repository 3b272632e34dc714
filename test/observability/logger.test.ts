import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../src/http/problem.ts';
import { createMemoryLogger } from '../../src/observability/logger.ts';

describe('the structured logger', () => {
  it('redacts tokens, signatures, credentials and row data wherever they appear', () => {
    const { logger, lines } = createMemoryLogger();
    logger.info('got Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abcdef', {
      authorization: 'Bearer abc',
      url: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA',
      note: 'see https://b/k?X-Amz-Signature=cafe01',
      source: 'postgres://user:hunter2@db:5432/app',
      rows: [['Alice', 'secret']],
      rowsDone: 42,
    });
    const line = lines[0] ?? '';
    for (const secret of ['eyJzdWIiOiJ4In0', 'Bearer abc', 'deadbeef', 'cafe01', 'hunter2', 'Alice']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line).rowsDone).toBe(42);
  });

  it('logs errors by name and code, with the message only for errors meant to be shown', () => {
    const { logger, lines } = createMemoryLogger();
    const driverError = Object.assign(new Error('duplicate key value (email)=(alice@acme.example)'), {
      code: '23505',
    });
    logger.error('failed', { error: driverError });
    logger.error('refused', {
      error: new ProblemError(409, { code: 'x', title: 'X', detail: 'Export is running.' }),
    });
    expect(lines[0]).not.toContain('alice@acme.example');
    expect(JSON.parse(lines[0] ?? '{}').error).toMatchObject({ name: 'Error', code: '23505' });
    expect(JSON.parse(lines[1] ?? '{}').error.message).toBe('Export is running.');
  });
});

import { describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/service-config.ts';
import { loadServiceConfig } from '../../src/config/service-config.ts';

const valid: Environment = {
  HANDOVER_JOBS_TABLE: 'jobs',
  HANDOVER_CONTROL_TABLE: 'control',
  HANDOVER_TENANTS_TABLE: 'tenants',
  HANDOVER_DELETIONS_TABLE: 'deletions',
  HANDOVER_BUCKET: 'archives',
  HANDOVER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q',
  HANDOVER_ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:alerts',
  HANDOVER_AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
  HANDOVER_AUTH_ISSUER: 'https://idp.example.com/',
  HANDOVER_AUTH_AUDIENCE: 'handover-api',
};

describe('the service configuration', () => {
  it('reads a production environment with safe defaults', () => {
    const config = loadServiceConfig(valid);
    expect(config.auth.algorithms).toEqual(['RS256', 'ES256']);
    expect(config.sse.algorithm).toBe('AES256');
    expect(config.aws.endpoint).toBeNull();
    expect(config.downloadUrlTtlSeconds).toBe(300);
  });

  it('names the missing variable', () => {
    const { HANDOVER_BUCKET: _, ...rest } = valid;
    expect(() => loadServiceConfig(rest)).toThrow(/HANDOVER_BUCKET is required/);
  });

  it('refuses a symmetric algorithm with a JWKS URL, and `none` anywhere', () => {
    expect(() => loadServiceConfig({ ...valid, HANDOVER_AUTH_ALGORITHMS: 'HS256' })).toThrow(
      /HANDOVER_AUTH_ALGORITHMS/,
    );
    expect(() => loadServiceConfig({ ...valid, HANDOVER_AUTH_ALGORITHMS: 'none' })).toThrow(
      /HANDOVER_AUTH_ALGORITHMS/,
    );
  });

  it('refuses a short shared secret and a secret next to a JWKS URL', () => {
    expect(() =>
      loadServiceConfig({ ...valid, HANDOVER_AUTH_JWKS_URL: undefined, HANDOVER_AUTH_SECRET: 'short' }),
    ).toThrow(/HANDOVER_AUTH_SECRET must be at least 32 bytes/);
    expect(() => loadServiceConfig({ ...valid, HANDOVER_AUTH_SECRET: 'x'.repeat(40) })).toThrow(
      /HANDOVER_AUTH_SECRET must not be set/,
    );
  });

  it('refuses out-of-range numbers with the variable and the allowed range', () => {
    expect(() => loadServiceConfig({ ...valid, HANDOVER_DOWNLOAD_URL_TTL_SECONDS: '86400' })).toThrow(
      /HANDOVER_DOWNLOAD_URL_TTL_SECONDS must be an integer between 30 and 3600/,
    );
  });
});

import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_AUTH_SECRET, LOCAL_ISSUER } from '../../src/local/environment.ts';
import type { TestService } from '../support/emulators.ts';
import { startTestService } from '../support/emulators.ts';

const secret = new TextEncoder().encode(LOCAL_AUTH_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function base() {
  return new SignJWT({ tenant: 'acme', roles: ['export'] })
    .setSubject('mallory@acme')
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(nowSeconds() + 600);
}

function unsigned(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

describe('bearer tokens', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const cases: [string, () => Promise<string | undefined>][] = [
    ['no token at all', async () => undefined],
    ['a token that is not a JWT', async () => 'Bearer not-a-jwt'],
    ['a Basic credential', async () => 'Basic YWxpY2U6c2VjcmV0'],
    [
      'an unsigned token (alg none)',
      async () =>
        `Bearer ${unsigned({ sub: 'm', tenant: 'acme', roles: ['export'], iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: nowSeconds() + 600 })}`,
    ],
    [
      'a token signed with HS512 (not allowed)',
      async () => `Bearer ${await base().setProtectedHeader({ alg: 'HS512' }).sign(secret)}`,
    ],
    [
      'a token signed with another key (RS256, not allowed)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return `Bearer ${await base().setProtectedHeader({ alg: 'RS256' }).sign(privateKey)}`;
      },
    ],
    [
      'a token signed with the wrong secret',
      async () =>
        `Bearer ${await base()
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode('x'.repeat(48)))}`,
    ],
    [
      'a token from another issuer',
      async () =>
        `Bearer ${await base().setIssuer('https://evil.example/').setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
    ],
    [
      'a token for another audience',
      async () =>
        `Bearer ${await base().setAudience('other-api').setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
    ],
    [
      'an expired token',
      async () =>
        `Bearer ${await base()
          .setExpirationTime(nowSeconds() - 60)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(secret)}`,
    ],
    [
      'a token without expiry',
      async () =>
        `Bearer ${await new SignJWT({ tenant: 'acme', roles: ['export'] }).setSubject('m').setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
    ],
    [
      'a token without subject',
      async () =>
        `Bearer ${await new SignJWT({ tenant: 'acme', roles: ['export'] })
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setExpirationTime(nowSeconds() + 600)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(secret)}`,
    ],
    [
      'a token without a tenant claim',
      async () =>
        `Bearer ${await new SignJWT({ roles: ['export'] })
          .setSubject('m')
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setExpirationTime(nowSeconds() + 600)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(secret)}`,
    ],
    [
      'a token whose tenant claim is not an id',
      async () =>
        `Bearer ${await new SignJWT({ tenant: '../globex', roles: ['export'] })
          .setSubject('m')
          .setIssuer(LOCAL_ISSUER)
          .setAudience(LOCAL_AUDIENCE)
          .setExpirationTime(nowSeconds() + 600)
          .setProtectedHeader({ alg: 'HS256' })
          .sign(secret)}`,
    ],
  ];

  for (const [name, make] of cases) {
    it(`refuses ${name} with 401 problem+json`, async () => {
      const authorization = await make();
      const reply = await t.call('GET', '/v1/exports', { headers: authorization ? { authorization } : {} });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      expect(reply.headers.get('www-authenticate')).toContain('Bearer');
      expect(reply.json).toMatchObject({
        status: 401,
        title: 'Authentication required',
        type: expect.stringContaining('unauthorized'),
      });
      expect(reply.json.detail).toEqual(expect.any(String));
    });
  }

  it('accepts a valid token, and logs the refused ones without the token itself', async () => {
    const ok = await t.call('GET', '/v1/exports', { token: t.tokens.acme });
    expect(ok.status).toBe(200);
    const log = t.logLines.join('\n');
    expect(log).toContain('authn_fail');
    expect(log).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}/);
    expect(log).not.toContain(t.tokens.acme);
  });
});

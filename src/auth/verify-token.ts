/**
 * Bearer JWT verification with jose: an explicit algorithm allow-list (never `none`), issuer,
 * audience, expiry, and a key from a JWKS URL (production) or a shared HS256 secret (local mode).
 * The tenant and roles come from configurable claims; nothing else about the caller is trusted.
 */

import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { AuthConfig } from '../config/service-config.ts';
import { UnauthorizedError } from './errors.ts';

export type Role = 'export' | 'admin';

export interface Principal {
  subject: string;
  /** Null only for operators whose token names no tenant (admin role). */
  tenant: string | null;
  roles: Role[];
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const KNOWN_ROLES: Role[] = ['export', 'admin'];

function readRoles(payload: JWTPayload, claim: string): Role[] {
  const raw = payload[claim];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  return KNOWN_ROLES.filter((role) => values.includes(role));
}

function refusal(error: unknown): UnauthorizedError {
  if (error instanceof joseErrors.JWTExpired) {
    return new UnauthorizedError('expired', 'The token has expired. Sign in again to get a new one.');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new UnauthorizedError(
      `claim:${error.claim}`,
      'The token was not issued for this service (issuer, audience or time claims do not match).',
    );
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new UnauthorizedError(
      'algorithm',
      'The token is signed with an algorithm this service does not accept.',
    );
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new UnauthorizedError('signature', 'The token signature is not valid.');
  }
  return new UnauthorizedError('malformed', 'The bearer token is not a valid JWT.');
}

/**
 * Builds the verifier from the auth config.
 * @example
 * const verify = createTokenVerifier(config.auth);
 * const principal = await verify(event.headers.authorization);
 */
export function createTokenVerifier(config: AuthConfig, getKey?: JWTVerifyGetKey): TokenVerifier {
  const key: JWTVerifyGetKey | Uint8Array =
    getKey ??
    (config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 3000 })
      : new TextEncoder().encode(config.secret ?? ''));

  return async (authorization) => {
    if (!authorization) {
      throw new UnauthorizedError('missing', 'Send a bearer token in the Authorization header.');
    }
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
    if (!match?.[1]) {
      throw new UnauthorizedError('scheme', 'The Authorization header must be "Bearer <token>".');
    }
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: config.algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      };
      const verified =
        key instanceof Uint8Array
          ? await jwtVerify(match[1], key, options)
          : await jwtVerify(match[1], key, options);
      payload = verified.payload;
    } catch (error) {
      throw refusal(error);
    }
    const subject = payload.sub;
    if (!subject) throw new UnauthorizedError('claim:sub', 'The token names no subject.');
    const roles = readRoles(payload, config.rolesClaim);
    const tenantClaim = payload[config.tenantClaim];
    const tenant = typeof tenantClaim === 'string' && TENANT_PATTERN.test(tenantClaim) ? tenantClaim : null;
    if (tenantClaim !== undefined && tenant === null) {
      throw new UnauthorizedError(
        `claim:${config.tenantClaim}`,
        'The token names its company in an invalid form.',
      );
    }
    if (!tenant && !roles.includes('admin')) {
      throw new UnauthorizedError(`claim:${config.tenantClaim}`, 'The token names no company.');
    }
    return { subject, tenant, roles };
  };
}

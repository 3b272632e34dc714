/** Tokens for local mode and tests: HS256 with the configured shared secret. Never used in AWS. */
import { SignJWT } from 'jose';
import type { AuthConfig } from '../config/service-config.ts';
import type { Role } from './verify-token.ts';

export interface LocalTokenClaims {
  subject: string;
  tenant?: string | null;
  roles: Role[];
  /** Lifetime in seconds (default 12 hours). */
  expiresIn?: number;
  now?: Date;
}

/** Signs a token the local verifier accepts. */
export async function issueLocalToken(auth: AuthConfig, claims: LocalTokenClaims): Promise<string> {
  if (!auth.secret) throw new Error('issueLocalToken needs HANDOVER_AUTH_SECRET (local mode)');
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  const payload: Record<string, unknown> = { [auth.rolesClaim]: claims.roles };
  if (claims.tenant) payload[auth.tenantClaim] = claims.tenant;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 12 * 3600))
    .sign(new TextEncoder().encode(auth.secret));
}

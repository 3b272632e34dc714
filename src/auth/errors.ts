/** Authentication and authorization refusals, as problem details. */
import { ProblemError } from '../http/problem.ts';

export class UnauthorizedError extends ProblemError {
  /** Why the token was refused, for the security log only (never sent to the client in more detail). */
  readonly reason: string;
  constructor(reason: string, detail: string) {
    super(401, {
      code: 'unauthorized',
      title: 'Authentication required',
      detail,
      headers: { 'www-authenticate': 'Bearer realm="handover", error="invalid_token"' },
    });
    this.name = 'UnauthorizedError';
    this.reason = reason;
  }
}

export class ForbiddenError extends ProblemError {
  constructor(role: string) {
    super(403, {
      code: 'forbidden',
      title: 'Missing permission',
      detail: `This action needs the "${role}" role. Ask your company's administrator to grant it.`,
    });
    this.name = 'ForbiddenError';
  }
}

/**
 * Structured JSON logs, one line per event. The logger itself defends the promise that no
 * token, presigned signature, secret or row value is ever written: sensitive field names are
 * redacted, string values that look like a JWT or a signed URL are masked, and errors are
 * logged by name and code only (a driver's message can quote row values) unless the error is
 * one of ours that is meant to be shown.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A security event (`authz_fail`, `download`, ...): always written, whatever the level. */
  security(event: string, fields: LogFields): void;
  /** An audit record (who did what to which resource). */
  audit(action: string, fields: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default (CloudWatch in Lambda). */
  write?: (line: string) => void;
  fields?: LogFields;
  now?: () => Date;
}

const SENSITIVE_KEY =
  /token|authorization|secret|password|passwd|signature|credential|cookie|session|^url$|presigned|location|body|rows?$|values?$/i;
const JWT_LIKE = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const SIGNED_URL = /(X-Amz-(Signature|Credential|Security-Token)=)[^&\s"]+/gi;
const URL_CREDENTIALS = /(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g;

/** Masks secrets inside free text (messages, URLs). */
export function scrubText(text: string): string {
  return text
    .replace(JWT_LIKE, '[redacted-jwt]')
    .replace(SIGNED_URL, '$1[redacted]')
    .replace(URL_CREDENTIALS, '$1[redacted]@');
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  expose?: unknown;
  cause?: unknown;
}

/** What of an error may be logged: its identity, never a message that might quote data. */
export function describeError(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { type: typeof error };
  const e = error as ErrorLike;
  const out: LogFields = { name: error.name };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.status === 'number') out.status = e.status;
  if (e.expose === true) out.message = scrubText(error.message);
  // Stack frames only: the first line repeats the message.
  if (error.stack) out.stack = error.stack.split('\n').slice(1, 8).join('\n');
  if (e.cause && depth < 2) out.cause = describeError(e.cause, depth + 1);
  return out;
}

function sanitize(value: unknown, key: string, depth: number): unknown {
  if (key && SENSITIVE_KEY.test(key) && !/^(rowsDone|rowsEstimated|tablesDone)$/.test(key)) {
    return typeof value === 'number' ? value : '[redacted]';
  }
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 5) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => sanitize(v, '', depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, k, depth + 1);
  return out;
}

/**
 * Creates a logger writing one JSON object per line.
 * @example
 * const log = createLogger({ fields: { service: 'handover' } });
 * log.security('authz_fail', { tenant, subject, route, reason: 'cross-tenant' });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};

  const emit = (level: LogLevel, message: string, fields: LogFields | undefined, extra: LogFields) => {
    const record = sanitize({ ...base, ...fields }, '', 0) as LogFields;
    write(
      JSON.stringify({ time: now().toISOString(), level, message: scrubText(message), ...extra, ...record }),
    );
  };
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS[level] >= threshold) emit(level, message, fields, {});
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    security: (event, fields) => emit('warn', event, fields, { kind: 'security', event }),
    audit: (action, fields) => emit('info', action, fields, { kind: 'audit', action }),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that keeps its lines in memory (tests, and the local server's quiet mode). */
export function createMemoryLogger(level: LogLevel = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level, write: (line) => lines.push(line) }), lines };
}

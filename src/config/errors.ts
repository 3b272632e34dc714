/** Configuration errors: raised at cold start, naming the variable to fix. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Environment variable ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

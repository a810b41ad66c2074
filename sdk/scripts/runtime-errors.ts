import type { ValidationProblem } from './protocol.js';

/** Input that does not match the action's schema (reported as 400 with the issues). */
export class InputValidationError extends Error {
  override name = 'InputValidationError';
  readonly issues: ValidationProblem[];
  constructor(issues: { code: string; path: PropertyKey[]; message: string }[]) {
    super(`Invalid input: ${issues[0]?.message ?? 'did not validate'}`);
    this.issues = issues.map((issue) => ({
      code: issue.code,
      path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
      message: issue.message,
    }));
  }
}

import type { ValidationError } from '@tollgate/shared';
import { InvalidInputError } from '../errors.js';
import { ROOT_PATH } from './engine.js';

/** The first sentence of an engine's reason, bounded: error messages must stay readable. */
function oneSentence(reason: string): string {
  const line = reason.split('\n', 1)[0] ?? reason;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/**
 * A schema an engine refused (a 400). `engineFault` marks a failure of the engine itself (a stack
 * overflow, a TypeError) rather than a verdict on the schema: another engine may still compile it.
 */
export class SchemaCompileError extends InvalidInputError {
  constructor(
    message: string,
    issues: readonly ValidationError[],
    readonly engineFault = false,
  ) {
    super(message, issues);
  }

  static fromIssues(issues: readonly ValidationError[]): SchemaCompileError {
    const text = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    return new SchemaCompileError(`Invalid JSON Schema: ${text}`, issues);
  }

  static fromReason(reason: string, path = ROOT_PATH): SchemaCompileError {
    const sentence = oneSentence(reason);
    return new SchemaCompileError(`Invalid JSON Schema: ${sentence}`, [{ path, message: sentence }]);
  }

  static from(error: unknown): SchemaCompileError {
    if (error instanceof SchemaCompileError) return error;
    if (error instanceof InvalidInputError) return new SchemaCompileError(error.message, error.issues);
    const reason = error instanceof Error ? error.message : String(error);
    const fault = error instanceof RangeError || error instanceof TypeError;
    const compiled = SchemaCompileError.fromReason(reason);
    return fault ? new SchemaCompileError(compiled.message, compiled.issues, true) : compiled;
  }
}

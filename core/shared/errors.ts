/**
 * The few real failures Sealpost raises. Expected outcomes (a wrong password, an
 * expired link) are values, never errors. Each error has a stable `code` for logs
 * and tests, and `isPublic` says whether its message may be shown to a user as is.
 */
export class SealpostError extends Error {
  /** A stable, greppable identifier such as `config_invalid` or `not_found`. */
  readonly code: string;
  /**
   * True when the error may be answered as a refusal of the request (its status and a
   * text the adapter words by `code`); false for a failure shown as "something went wrong".
   * The `message` is for logs, never shown: words live in views/strings.
   */
  readonly isPublic: boolean;
  /** The HTTP status a driving adapter should answer with. */
  readonly status: number;

  constructor(args: {
    code: string;
    message: string;
    isPublic?: boolean;
    status?: number;
    cause?: unknown;
  }) {
    super(args.message, args.cause === undefined ? undefined : { cause: args.cause });
    this.name = new.target.name;
    this.code = args.code;
    this.isPublic = args.isPublic ?? false;
    this.status = args.status ?? 500;
  }
}

/** A thing does not exist, or the caller may not know that it exists (same answer). */
export class NotFoundError extends SealpostError {
  /** `what` names the missing thing for logs; a page shows its own words for `not_found`. */
  constructor(what = 'item') {
    super({
      code: 'not_found',
      message: `not found: ${what}`,
      isPublic: true,
      status: 404,
    });
  }
}

/** Input that breaks a rule; `issues` maps field names to problems (for logs and callers). */
export class ValidationError extends SealpostError {
  /** Field name -> plain-English problem. `_` holds problems not tied to one field. */
  readonly issues: Record<string, string>;
  constructor(issues: Record<string, string>) {
    super({
      code: 'invalid_input',
      message: Object.values(issues).join(' '),
      isPublic: true,
      status: 400,
    });
    this.issues = issues;
  }
}

/** An adapter was built with options it cannot work with. */
export class ConfigurationError extends SealpostError {
  /** `code` narrows what is wrong for callers that treat a case apart (`keys_missing`). */
  constructor(message: string, code = 'config_invalid') {
    super({ code, message, isPublic: false, status: 500 });
  }
}

/** A dependency is down for now (database busy, mail server away); the caller may retry. */
export class TemporaryFailure extends SealpostError {
  constructor(message: string, cause?: unknown) {
    super({ code: 'temporary_failure', message, isPublic: true, status: 503, cause });
  }
}

// Turns rule violations into PocketBase API errors a frontend can show: a 4xx with a readable
// message, plus the per-field error map the SDK exposes as `response.data`.

/** Throws a 400 whose message is shown to the user and whose data names the offending field. */
export function badRequest(field: string, message: string): never {
  throw new BadRequestError(message, { [field]: new ValidationError("invalid_" + field, message) });
}

export function forbidden(message: string): never {
  throw new ForbiddenError(message);
}

export function notFound(message: string): never {
  throw new NotFoundError(message);
}

export function conflict(message: string): never {
  throw new ApiError(409, message);
}

/** Throws a 400 naming the field when `problem` is a message (rules return null when all is well). */
export function refuse(field: string, problem: string | null): void {
  if (problem !== null) badRequest(field, problem);
}

/** Throws a 403 when `problem` is a message. */
export function deny(problem: string | null): void {
  if (problem !== null) forbidden(problem);
}

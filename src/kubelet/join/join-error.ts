/** A join the server or its answer refused: retrying with the same token will not help. */
export class JoinError extends Error {
  override name = "JoinError";
}

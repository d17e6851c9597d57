// A command line that cannot be used as given: the command prints the message and its flags, and exits 2.
export class UsageError extends Error {}

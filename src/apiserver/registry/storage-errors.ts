// Maps datastore failures to the Status a client sees, for one resource and name.
import { StorageError } from "../../storage/interface.ts";
import { alreadyExists, conflict, expired, internal, notFound, timeout, unavailable } from "../../api/errors.ts";
import type { GroupResource, StatusError } from "../../api/errors.ts";

export function toStatusError(err: unknown, gr: GroupResource, name: string): unknown {
  if (!(err instanceof StorageError)) return err;
  return storageStatus(err, gr, name);
}

function storageStatus(err: StorageError, gr: GroupResource, name: string): StatusError {
  switch (err.code) {
    case "KeyExists": return alreadyExists(gr, name);
    case "NotFound": return notFound(gr, name);
    case "Conflict": return conflict(gr, name);
    case "Compacted": return expired(`The resourceVersion for the provided list is too old.`);
    case "FutureRevision": return timeout(`Too large resource version: the requested revision is not yet available`);
    case "Unavailable": return unavailable(`storage is unavailable: ${err.message}`);
    case "Timeout": return timeout(`storage request timed out: ${err.message}`);
    default: return internal(err.message);
  }
}

// Image references as the CRI resolves them: "busybox" means docker.io/library/busybox:latest. Archives are
// named with the full form so that every short spelling finds them.

/** The fully qualified form of an image reference: registry host, repository path, and a tag or digest. */
export function normalizeReference(ref: string): string {
  const text = ref.trim();
  const at = text.indexOf("@");
  const namePart = at >= 0 ? text.slice(0, at) : text;
  const digest = at >= 0 ? text.slice(at) : "";
  const lastSlash = namePart.lastIndexOf("/");
  const colon = namePart.indexOf(":", lastSlash + 1);
  const repo = colon >= 0 ? namePart.slice(0, colon) : namePart;
  const tag = colon >= 0 ? namePart.slice(colon) : digest ? "" : ":latest";
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repo)) {
    throw new Error(`invalid image reference "${ref}"`);
  }
  const [first, ...rest] = repo.split("/");
  const hasRegistry = rest.length > 0 && (first!.includes(".") || first!.includes(":") || first === "localhost");
  const full = hasRegistry ? repo : rest.length === 0 ? `docker.io/library/${repo}` : `docker.io/${repo}`;
  return `${full}${tag}${digest}`;
}

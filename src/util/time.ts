/** A metav1.Time as the API writes it: RFC 3339 in UTC, whole seconds. */
export const metaTime = (d: Date | number): string => new Date(d).toISOString().slice(0, 19) + "Z";

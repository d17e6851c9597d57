// How Go prints JSON values in the error messages upstream's patch code returns: `%v` of decoded values
// (`map[image:nginx name:web]`) and the type names in encoding/json's and mergepatch's errors.

/** Go's `%v` of a value decoded into interface{}: maps print with sorted keys, slices space-separated. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goFormat(o[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** The JSON kind encoding/json names in "cannot unmarshal X into Go value of type ...". */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

/** reflect.TypeOf of a decoded JSON value, as mergepatch.ErrBadArgType prints it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return "[]interface {}";
  if (typeof v === "object") return "map[string]interface {}";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

// A certificate subject's names as node's legacy certificate object lists them: the values as written, a repeated
// attribute as an array (where X509Certificate.subject is escaped, newline-joined text).
type LegacySubject = Record<string, string | string[] | undefined>;

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function subjectNames(subject: object | undefined): { commonNames: string[]; organizations: string[] } {
  const s = (subject ?? {}) as LegacySubject;
  return { commonNames: values(s.CN), organizations: values(s.O) };
}

// Enforces the import layering of docs/architecture.md: a folder under src/ may import only the layers it is
// allowed to see. Components (controllers, scheduler, kubelet, proxy, dns) see only util, api and client.
import path from "node:path";

const components = ["controllers", "scheduler", "kubelet", "proxy", "dns", "sim"];
const allowed = {
  util: ["util"],
  api: ["util", "api"],
  storage: ["util", "api", "storage"],
  apiserver: ["util", "api", "storage", "apiserver"],
  client: ["util", "api", "client"],
  ...Object.fromEntries(components.map((c) => [c, ["util", "api", "client", c]])),
  cmd: null, // wires everything
};

function layerOf(file) {
  const rel = path.relative(path.resolve("src"), file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep)[0];
}

export default {
  meta: { type: "problem", messages: { layer: "src/{{from}} may not import src/{{to}} (see docs/architecture.md)" } },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (!from || !(from in allowed) || allowed[from] === null) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = layerOf(path.resolve(path.dirname(file), spec));
      if (to && !allowed[from].includes(to)) context.report({ node, messageId: "layer", data: { from, to } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

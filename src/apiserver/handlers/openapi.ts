// Serves /openapi/v2 and /openapi/v3[/<gv path>] from the prebuilt documents, honouring If-None-Match.
import type { Request } from "../http/request.ts";
import type { ResourceType } from "../../api/scheme.ts";
import { notFound } from "../../api/errors.ts";
import { openapiV2Body } from "../openapi/v2.ts";
import { openapiV3DocumentBody, openapiV3RootBody } from "../openapi/v3.ts";
import type { Response } from "../http/respond.ts";

export class OpenApi {
  private readonly resources: readonly ResourceType[];

  constructor(resources: readonly ResourceType[]) {
    this.resources = resources;
  }

  serve(path: string, req: Request, res: Response): void {
    let doc: { body: Buffer; etag: string } | undefined;
    if (path === "/openapi/v2") doc = openapiV2Body(this.resources);
    else if (path === "/openapi/v3" || path === "/openapi/v3/") doc = openapiV3RootBody(this.resources);
    else if (path.startsWith("/openapi/v3/")) doc = openapiV3DocumentBody(this.resources, path.slice("/openapi/v3/".length));
    if (!doc) throw notFound({ group: "", resource: "openapi" }, path);
    if (req.headers["if-none-match"] === doc.etag) {
      res.writeHead(304, { etag: doc.etag });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", etag: doc.etag, "cache-control": "no-cache, private" });
    res.end(doc.body);
  }
}

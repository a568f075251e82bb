// GET /openapi.json: the API's description, for anyone, without a token, with the same security
// headers as every answer. (Every other test's answers are checked against it: local-system.ts.)
import { describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "#functions/api/http.ts";
import { openApiDocument } from "#functions/api/openapi.ts";
import { routes } from "#infra/topology.ts";
import { useLocalSystem } from "./local-system.ts";

const local = useLocalSystem();

describe("GET /openapi.json", () => {
  it("answers the OpenAPI 3.1 document without a token, with the security headers", async () => {
    const response = await local.system.get("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(response.headers.get(name), name).toBe(value);
    expect(response.body).toMatchObject({ openapi: "3.1.0", info: { title: expect.any(String) } });
    expect(response.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    for (const route of routes)
      expect(response.body.paths[route.path], route.path).toHaveProperty(
        route.method.toLowerCase(),
      );
  });

  it("answers the same with a token, which it does not need", async () => {
    const response = await local.system.get("/openapi.json", local.ops);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe("3.1.0");
  });
});

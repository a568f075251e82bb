// The front door: the Cognito app client of the browser front end allows only the
// authorization-code grant (a public client: PKCE, no secret) to the configured callback URLs;
// the JWT authorizer accepts only that client's tokens; CORS only for the configured origin (none
// without one); the stage is throttled. Context values reach the template, bad ones stop the synth.
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "#infra/cdk/app.ts";
import { DEFAULT_CALLBACK_URLS } from "#infra/cdk/service-stack.ts";
import { DEFAULT_THROTTLE } from "#infra/topology.ts";
import { cors, routes } from "#infra/topology.ts";
import { noBundling } from "./synth.ts";

type Resource = { Type: string; Properties: Record<string, any> };

const ORIGIN = "https://care.example.com";
const configured = {
  frontendOrigin: ORIGIN,
  callbackUrls: `${ORIGIN}/callback, http://localhost:5173/callback`,
  authDomainPrefix: "courier-care-test",
  // As `-c name=value` passes them: strings.
  throttleRateLimit: "50",
  throttleBurstLimit: "120",
};

function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { ...noBundling, ...context } });
  // The Control Tower rules check no Cognito, CORS or throttling setting: skipped (seconds a
  // synth); stacks.test.ts runs them.
  const { service } = buildApp(app, { controlTowerGuard: false });
  app.synth(); // cdk-nag: throws on a finding nobody acknowledged, whatever the options
  return Template.fromStack(service);
}

function only(template: Template, type: string): Resource {
  const all = Object.values(template.findResources(type)) as Resource[];
  expect(all, type).toHaveLength(1);
  return all[0] as Resource;
}

let defaults: Template;
let custom: Template;

beforeAll(() => {
  defaults = synth();
  custom = synth(configured);
});

describe("the Cognito app client", () => {
  it("allows only the authorization-code grant, as a public client, with the OpenID scopes", () => {
    for (const template of [defaults, custom]) {
      const client = only(template, "AWS::Cognito::UserPoolClient").Properties;
      expect(client).toMatchObject({
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ["code"],
        GenerateSecret: false,
        SupportedIdentityProviders: ["COGNITO"],
        PreventUserExistenceErrors: "ENABLED",
        EnableTokenRevocation: true,
      });
      expect([...client.AllowedOAuthScopes].sort()).toEqual(["email", "openid", "profile"]);
      // No sign-in through the API (SRP, password, custom): only managed login; tokens renew.
      expect(client.ExplicitAuthFlows).toEqual(["ALLOW_REFRESH_TOKEN_AUTH"]);
    }
  });

  it("sends the code only to the callback URLs of the context (default: a local dev server)", () => {
    expect(only(defaults, "AWS::Cognito::UserPoolClient").Properties).toMatchObject({
      CallbackURLs: [...DEFAULT_CALLBACK_URLS],
      LogoutURLs: ["http://localhost:5173/"],
    });
    expect(only(custom, "AWS::Cognito::UserPoolClient").Properties).toMatchObject({
      CallbackURLs: [`${ORIGIN}/callback`, "http://localhost:5173/callback"],
      LogoutURLs: [`${ORIGIN}/`, "http://localhost:5173/"],
    });
    const own = synth({ logoutUrls: `${ORIGIN}/signed-out` });
    expect(only(own, "AWS::Cognito::UserPoolClient").Properties.LogoutURLs).toEqual([
      `${ORIGIN}/signed-out`,
    ]);
  });

  it("gets a managed-login domain only when the context names its prefix", () => {
    defaults.resourceCountIs("AWS::Cognito::UserPoolDomain", 0);
    custom.hasResourceProperties("AWS::Cognito::UserPoolDomain", { Domain: "courier-care-test" });
    custom.hasOutput("AuthBaseUrl", { Value: Match.anyValue() });
  });

  it("is the one audience of the JWT authorizer", () => {
    const clientId = Object.keys(defaults.findResources("AWS::Cognito::UserPoolClient"))[0];
    expect(only(defaults, "AWS::ApiGatewayV2::Authorizer").Properties).toMatchObject({
      AuthorizerType: "JWT",
      JwtConfiguration: { Audience: [{ Ref: clientId }] },
    });
  });
});

describe("CORS", () => {
  it("is off without a frontendOrigin", () => {
    expect(only(defaults, "AWS::ApiGatewayV2::Api").Properties.CorsConfiguration).toBeUndefined();
  });

  it("allows the configured origin, the API's methods and headers, and exposes its ETag", () => {
    const config = only(custom, "AWS::ApiGatewayV2::Api").Properties.CorsConfiguration;
    expect(config).toEqual({
      AllowOrigins: [ORIGIN],
      AllowMethods: [...new Set(routes.map((r) => r.method))],
      AllowHeaders: ["authorization", "content-type", "if-match", "idempotency-key"],
      ExposeHeaders: ["etag", "location"],
      AllowCredentials: false,
      MaxAge: cors.maxAgeSeconds,
    });
  });

  it("takes several origins, comma-separated", () => {
    const two = synth({ frontendOrigin: `${ORIGIN},https://staging.example.com` });
    expect(only(two, "AWS::ApiGatewayV2::Api").Properties.CorsConfiguration.AllowOrigins).toEqual([
      ORIGIN,
      "https://staging.example.com",
    ]);
  });
});

describe("stage throttling", () => {
  it("defaults to 200 requests per second, bursts of 400", () => {
    expect(DEFAULT_THROTTLE).toEqual({ rateLimit: 200, burstLimit: 400 });
    expect(only(defaults, "AWS::ApiGatewayV2::Stage").Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 200,
      ThrottlingBurstLimit: 400,
    });
  });

  it("takes its limits from the context", () => {
    expect(only(custom, "AWS::ApiGatewayV2::Stage").Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 120,
    });
  });
});

describe("bad context values", () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ frontendOrigin: `${ORIGIN}/` }, /frontendOrigin/],
    [{ frontendOrigin: `${ORIGIN}/app` }, /frontendOrigin/],
    [{ frontendOrigin: "care.example.com" }, /frontendOrigin/],
    [{ frontendOrigin: "ftp://care.example.com" }, /frontendOrigin/],
    [{ callbackUrls: "http://care.example.com/callback" }, /callbackUrls/],
    [{ callbackUrls: `${ORIGIN}/callback#x` }, /callbackUrls/],
    [{ callbackUrls: `${ORIGIN}/callback,,` }, /callbackUrls/],
    [{ logoutUrls: "not a url" }, /logoutUrls/],
    [{ authDomainPrefix: "Courier_Care" }, /authDomainPrefix/],
    [{ throttleRateLimit: "0" }, /throttleRateLimit/],
    [{ throttleRateLimit: "fast" }, /throttleRateLimit/],
    [{ throttleBurstLimit: 2.5 }, /throttleBurstLimit/],
  ];
  it.each(refused)("stop the synth: %j", (context, message) => {
    const app = new App({ context: { ...noBundling, ...context } });
    expect(() => buildApp(app)).toThrow(message);
  });
});

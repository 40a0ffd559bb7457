import { strict as assert } from "node:assert";
import { isSensitiveFile, uriPath } from "../../server/src/shared/sensitiveFiles";

describe("sensitive files", () => {
  it("recognises secrets and credentials by default", () => {
    for (const path of [
      "/w/.env",
      "/w/app/.env.local",
      "/w/cert.pem",
      "/w/server.key",
      "/home/u/.ssh/id_rsa",
      "/home/u/id_ed25519.pub",
      "/w/.npmrc",
      "/home/u/.aws/credentials",
      "/w/config/secrets/db.yaml",
      "C:\\w\\.env",
    ]) {
      assert.equal(isSensitiveFile(path), true, path);
    }
  });

  it("leaves ordinary code alone", () => {
    for (const path of ["/w/src/env.ts", "/w/keys.ts", "/w/environment/.envrc.example.ts", "/w/README.md"]) {
      assert.equal(isSensitiveFile(path), false, path);
    }
  });

  it("takes extra patterns from the setting", () => {
    assert.equal(isSensitiveFile("/w/private/notes.ts", ["**/private/**"]), true);
  });

  it("matches document URIs by their decoded path", () => {
    assert.equal(isSensitiveFile(uriPath("file:///w/my%20app/.env")), true);
  });
});

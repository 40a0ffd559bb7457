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
      // The ones a new user hits first.
      "/w/config/secrets.json",
      "/w/config/secrets.yaml",
      "/home/u/.config/gcloud/application_default_credentials.json",
      "/w/deploy/my-project-service-account.json",
      "/w/infra/terraform.tfvars",
      "/w/infra/terraform.tfstate",
      "/home/u/.pgpass",
      "/home/u/.git-credentials",
      "/home/u/.netrc",
      "/w/android/release.keystore",
      "/w/java/server.jks",
      "/w/certs/client.p12",
      "/home/u/.docker/config.json",
      "/home/u/.kube/config",
      "/w/credentials.csv",
    ]) {
      assert.equal(isSensitiveFile(path), true, path);
    }
  });

  it("leaves ordinary code alone", () => {
    for (const path of [
      "/w/src/env.ts",
      "/w/keys.ts",
      "/w/environment/.envrc.example.ts",
      "/w/README.md",
      "/w/src/secretsManager.ts",
      "/w/src/credentialsForm.tsx",
      "/w/docs/service-accounts.md",
      "/w/src/config.json",
    ]) {
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

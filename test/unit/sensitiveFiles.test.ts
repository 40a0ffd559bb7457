import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import { isSensitiveFile, uriPath } from "../../server/src/shared/sensitiveFiles";
import { isSensitiveDocument, isSensitiveOnDisk, refuseSecretContext } from "../../server/src/shared/sensitiveOnDisk";

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

  it("recognises the credential files secret scanners list", () => {
    for (const path of [
      // Environment files by every spelling.
      "/w/production.env",
      "/w/.env-prod",
      "/w/.env_staging",
      "/w/.ENV",
      // Keys: PuTTY, Apple's PKCS#8, Kerberos, GnuPG exports and keyrings, OpenVPN profiles.
      "/w/keys/server.ppk",
      "/w/ios/AuthKey_ABC123.p8",
      "/etc/krb5.keytab",
      "/tmp/krb5cc_1000",
      "/home/u/secring.gpg",
      "/home/u/backup/my-private-key.asc",
      "/home/u/backup/secret-subkeys.asc",
      "/w/vpn/office.ovpn",
      "/w/deploy/deploy_rsa",
      "/w/passwords.kdbx",
      // Registries and tools.
      "/w/.yarnrc.yml",
      "/home/u/.terraformrc",
      "/home/u/AppData/Roaming/terraform.rc",
      "/home/u/.terraform.d/credentials.tfrc.json",
      "/home/u/.boto",
      "/home/u/.s3cfg",
      "/home/u/.azure/msal_token_cache.json",
      "/home/u/.azure/azureProfile.json",
      "/home/u/old/accessTokens.json",
      "/home/u/.config/gcloud/configurations/config_default",
      "/home/u/AppData/Roaming/gcloud/credentials.db",
      "/home/u/AppData/Roaming/gcloud/access_tokens.db",
      "/w/.dockercfg",
      "/home/u/.config/gh/hosts.yml",
      "/home/u/.config/hub",
      "/w/cloud/.credentials",
      "/w/client_secret_1234.apps.googleusercontent.com.json",
      "/w/ansible/.vault_pass",
      "/w/ansible/.vault_pass.txt",
      "/w/ansible/vault_password.txt",
      "/home/u/.m2/settings.xml",
      "/home/u/.my.cnf",
      "/w/sftp-config.json",
      // Shell and REPL histories.
      "/home/u/.bash_history",
      "/home/u/.zsh_history",
      "/home/u/.sh_history",
      "/home/u/.local/share/fish/fish_history",
      "/home/u/.python_history",
      "/home/u/.psql_history",
      "/home/u/.mysql_history",
      "/home/u/.node_repl_history",
      "/home/u/.irb_history",
    ]) {
      assert.equal(isSensitiveFile(path), true, path);
    }
  });

  it("recognises git's configuration files, which carry remote URLs with tokens, in every layout git uses", () => {
    for (const path of [
      "/w/.git/config",
      "/w/.GIT/CONFIG",
      "C:\\w\\.git\\config",
      "/w/packages/vendored/.git/config",
      // extensions.worktreeConfig: per-worktree configuration, the main one's and a linked worktree's.
      "/w/.git/config.worktree",
      "/w/.git/worktrees/feature-x/config.worktree",
      // Submodules keep their git directory in the superproject's, by name (names may hold slashes), nested too.
      "/w/.git/modules/lib/config",
      "/w/.git/modules/vendor/lib/config",
      "/w/.git/modules/lib/modules/inner/config",
      "/w/.git/modules/lib/config.worktree",
    ]) {
      assert.equal(isSensitiveFile(path), true, path);
    }
  });

  it("recognises platform settings files that hold keys: Azure Functions, Android signing, WordPress, Flask", () => {
    for (const path of [
      "/w/api/local.settings.json",
      "/w/android/keystore.properties",
      "/w/site/wp-config.php",
      "/w/app/.flaskenv",
      "/w/Site/WP-Config.php",
    ]) {
      assert.equal(isSensitiveFile(path), true, path);
    }
  });

  it("leaves the rest of .git (commit messages VS Code opens) and similar ordinary names alone", () => {
    for (const path of [
      "/w/.git/COMMIT_EDITMSG",
      "/w/.git/MERGE_MSG",
      "/w/.git/info/exclude",
      "/w/.gitconfig.example",
      "/w/src/config.ts",
      "/w/config",
      "/w/settings.json",
      "/w/.vscode/settings.json",
      "/w/appsettings.json",
      "/w/gradle.properties",
      "/w/wp-config-sample.php",
      "/w/src/flaskenv.py",
      "/w/src/keystore.ts",
    ]) {
      assert.equal(isSensitiveFile(path), false, path);
    }
  });

  it("leaves ordinary code alone", () => {
    for (const path of [
      "/w/src/env.ts",
      "/w/keys.ts",
      "/w/src/key.ts",
      "/w/src/environment.ts",
      "/w/src/environments/environment.prod.ts",
      "/w/environment/.envrc.example.ts",
      "/w/README.md",
      "/w/src/secretsManager.ts",
      "/w/src/credentialsForm.tsx",
      "/w/docs/service-accounts.md",
      "/w/src/config.json",
      "/w/src/history.ts",
      "/w/src/useHistory.tsx",
      "/w/src/vaultPassword.ts",
      "/w/src/vault_password_prompt.py",
      "/w/keys/public.asc",
      "/w/src/hub.ts",
      "/w/settings.py",
      "/w/config/database.yml",
      "/w/src/env.d.ts",
      "/w/.github/workflows/ci.yml",
      "/w/package.json",
    ]) {
      assert.equal(isSensitiveFile(path), false, path);
    }
  });

  it("matches document URIs by their decoded path", () => {
    assert.equal(isSensitiveFile(uriPath("file:///w/my%20app/.env")), true);
  });
});

describe("hearth.privacy.excludedFiles", () => {
  const folders = ["/home/u/app"];

  it("matches a bare pattern at any depth, inside a folder and outside every folder", () => {
    assert.equal(isSensitiveFile("/home/u/app/config/db.secret.json", ["*.secret.json"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/db.secret.json", ["*.secret.json"], folders), true);
    assert.equal(isSensitiveFile("/elsewhere/deep/db.secret.json", ["*.secret.json"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/config/db.json", ["*.secret.json"], folders), false);
    // No folders at all (another editor, a tool's check): the same.
    assert.equal(isSensitiveFile("/home/u/app/config/db.secret.json", ["*.secret.json"]), true);
  });

  it("anchors a pattern with a slash at the workspace folder", () => {
    assert.equal(isSensitiveFile("/home/u/app/config/prod.yml", ["config/prod.yml"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/config/prod.yml", ["/config/prod.yml"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/config/prod.yml", ["./config/prod.yml"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/packages/a/config/prod.yml", ["config/prod.yml"], folders), false);
    assert.equal(isSensitiveFile("/home/u/app/config/dev.yml", ["config/prod.yml"], folders), false);
    assert.equal(isSensitiveFile("/home/u/app/config/prod.yml", ["config/*.yml"], folders), true);
  });

  it("outside every folder, matches a nested pattern below any folder above the file (more is safe)", () => {
    assert.equal(isSensitiveFile("/srv/other/config/prod.yml", ["config/prod.yml"], folders), true);
    assert.equal(isSensitiveFile("/srv/other/config/prod.yml", ["config/prod.yml"]), true);
    // A repository-relative path (a commit's diff) has no folder either.
    assert.equal(isSensitiveFile("config/prod.yml", ["config/prod.yml"]), true);
  });

  it("takes `**/` patterns, relative or against the absolute path", () => {
    assert.equal(isSensitiveFile("/home/u/app/a/b/private/notes.ts", ["**/private/**"], folders), true);
    assert.equal(isSensitiveFile("/w/private/notes.ts", ["**/private/**"]), true);
    assert.equal(isSensitiveFile("/home/u/app/src/deep/x.pem.txt", ["src/**/*.pem.txt"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/src/x.ts", ["**/private/**"], folders), false);
  });

  it("excludes everything in a folder a pattern matches", () => {
    for (const pattern of ["private", "private/", "/private", "private/**"]) {
      assert.equal(isSensitiveFile("/home/u/app/private/notes/today.md", [pattern], folders), true, pattern);
      assert.equal(isSensitiveFile("/home/u/app/public/notes.md", [pattern], folders), false, pattern);
    }
    // A bare folder name at any depth.
    assert.equal(isSensitiveFile("/home/u/app/a/private/today.md", ["private/"], folders), true);
    // A nested one only where it is anchored.
    assert.equal(isSensitiveFile("/home/u/app/ops/keys/a.txt", ["ops/keys"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/x/ops/keys/a.txt", ["ops/keys"], folders), false);
  });

  it("keeps matching patterns written against the absolute path", () => {
    assert.equal(isSensitiveFile("/home/u/app/notes.txt", ["/home/u/app/notes.txt"], folders), true);
    assert.equal(isSensitiveFile("/home/u/app/notes.txt", ["/home/u/**/notes.txt"], folders), true);
  });

  it("ignores case, takes Windows paths and URI paths, and reads `!` as a name", () => {
    assert.equal(isSensitiveFile("/home/u/app/Config/PROD.yml", ["config/prod.yml"], folders), true);
    assert.equal(isSensitiveFile("C:\\Users\\u\\app\\config\\prod.yml", ["config/prod.yml"], ["c:\\users\\u\\app"]), true);
    assert.equal(
      isSensitiveFile(uriPath("file:///c%3A/Users/u/app/config/prod.yml"), ["config/prod.yml"], ["C:\\Users\\u\\app"]),
      true,
    );
    assert.equal(isSensitiveFile("/home/u/app/src/a.ts", ["!src/b.ts"], folders), false);
    assert.equal(isSensitiveFile("/home/u/app/src/a.ts", ["", "   "], folders), false);
  });

  it("with several folders, is relative to the one that holds the file", () => {
    const two = ["/home/u/app", "/home/u/lib"];
    assert.equal(isSensitiveFile("/home/u/lib/config/prod.yml", ["config/prod.yml"], two), true);
    assert.equal(isSensitiveFile("/home/u/lib/src/config/prod.yml", ["config/prod.yml"], two), false);
  });
});

describe("secrets by the real path", () => {
  let root: string;
  let folder: string;
  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "hearth-secrets-")));
    folder = join(root, "ws");
    mkdirSync(join(folder, "secrets"), { recursive: true });
    mkdirSync(join(folder, "config"));
    writeFileSync(join(folder, ".env"), "API_KEY=hunter2\n");
    writeFileSync(join(folder, "secrets", "db.txt"), "password\n");
    writeFileSync(join(folder, "config", "prod.yml"), "token: x\n");
    writeFileSync(join(folder, "plain.txt"), "hello\n");
    symlinkSync(".env", join(folder, "notes.txt"));
    symlinkSync("secrets/db.txt", join(folder, "db-notes.txt"));
    symlinkSync("secrets", join(folder, "shelf"));
    symlinkSync("notes.txt", join(folder, "chain.txt"));
    symlinkSync(".env.later", join(folder, "dangling.txt"));
    symlinkSync("missing-dir/.env", join(folder, "dangling-deep.txt"));
    symlinkSync("config/prod.yml", join(folder, "prod-link.yml"));
    symlinkSync("plain.txt", join(folder, "plain-link.txt"));
    // `..` after a linked folder is the target's parent (`deep/`), not the `secrets/` a lexical reading gives.
    mkdirSync(join(folder, "deep", "er"), { recursive: true });
    symlinkSync(join(folder, "deep", "er"), join(folder, "secrets", "up"));
    symlinkSync("secrets/up/../.env.new", join(folder, "through-link.txt"));
    symlinkSync("loop-b", join(folder, "loop-a"));
    symlinkSync("loop-a", join(folder, "loop-b"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("a link to a secrets file is one, however it gets there", async () => {
    for (const name of ["notes.txt", "db-notes.txt", "shelf/db.txt", "chain.txt"]) {
      assert.equal(await isSensitiveOnDisk(join(folder, name), [], [folder]), true, name);
    }
  });

  it("a dangling link is judged by its target, which may be created later (realPath.test.ts follows each link)", async () => {
    for (const name of ["dangling.txt", "dangling-deep.txt", "through-link.txt"]) {
      assert.equal(await isSensitiveOnDisk(join(folder, name), [], [folder]), true, name);
    }
  });

  it("a link to a file a setting excludes is excluded, with the folder's own patterns", async () => {
    assert.equal(await isSensitiveOnDisk(join(folder, "prod-link.yml"), ["config/prod.yml"], [folder]), true);
    assert.equal(await isSensitiveOnDisk(join(folder, "prod-link.yml"), [], [folder]), false);
  });

  it("an ordinary file, a link to one and a missing file are not secrets", async () => {
    for (const name of ["plain.txt", "plain-link.txt", "not-there.txt"]) {
      assert.equal(await isSensitiveOnDisk(join(folder, name), [], [folder]), false, name);
    }
  });

  it("a link loop counts as a secret: where it leads can't be known (fail closed)", async () => {
    assert.equal(await isSensitiveOnDisk(join(folder, "loop-a"), [], [folder]), true);
    assert.equal(await isSensitiveDocument(pathToFileURL(join(folder, "loop-b")).toString(), [], [folder]), true);
    await assert.rejects(refuseSecretContext([{ label: "loop-a:1-2" }], [], [folder]));
  });

  it("documents: file URIs by the real path, other schemes by name", async () => {
    assert.equal(await isSensitiveDocument(pathToFileURL(join(folder, "notes.txt")).toString(), [], [folder]), true);
    // A notebook's cell is judged by where its notebook really is (every feature gets cells as documents).
    symlinkSync(join(folder, ".env"), join(folder, "analysis.ipynb"));
    const cell = `vscode-notebook-cell:${pathToFileURL(join(folder, "analysis.ipynb")).pathname}#W0sZmlsZQ%3D%3D`;
    assert.equal(await isSensitiveDocument(cell, [], [folder]), true);
    const plainCell = `vscode-notebook-cell:${pathToFileURL(join(folder, "plain.ipynb")).pathname}#W0sZmlsZQ%3D%3D`;
    assert.equal(await isSensitiveDocument(plainCell, [], [folder]), false);
    // Not a file: an untitled or remote notebook's cell is judged by its name only (never looked up on this disk).
    const untitled = `vscode-notebook-cell:Untitled-1.ipynb#W0s${Buffer.from("untitled").toString("base64url")}`;
    assert.equal(await isSensitiveDocument(untitled, [], [folder]), false);
    const remote = `vscode-notebook-cell://ssh-remote%2Bbox${pathToFileURL(join(folder, "analysis.ipynb")).pathname}#W0s${Buffer.from("vscode-remote").toString("base64url")}`;
    assert.equal(await isSensitiveDocument(remote, [], [folder]), false, "the local link of that name is not the remote file");
    assert.equal(await isSensitiveDocument(pathToFileURL(join(folder, "plain.txt")).toString(), [], [folder]), false);
    assert.equal(await isSensitiveDocument("untitled:Untitled-1", [], [folder]), false);
    assert.equal(await isSensitiveDocument("untitled:/w/.env", [], [folder]), true);
  });

  it("chat context is refused by a URI's real path, and by where a bare label leads in a folder", async () => {
    const refused = (error: Error & { code?: number }) => error.code === HearthErrorCodes.secretsFile;
    const uri = pathToFileURL(join(folder, "notes.txt")).toString();
    await assert.rejects(refuseSecretContext([{ label: "notes.txt", uri }], [], [folder]), refused);
    await assert.rejects(refuseSecretContext([{ label: "notes.txt:1-2" }], [], [folder]), refused);
    await assert.rejects(refuseSecretContext([{ label: "shelf/db.txt (around lines 1-1)" }], [], [folder]), refused);
    await refuseSecretContext([{ label: "plain.txt", uri: pathToFileURL(join(folder, "plain.txt")).toString() }], [], [folder]);
    await refuseSecretContext([{ label: "plain-link.txt:1-1" }], [], [folder]);
  });
});

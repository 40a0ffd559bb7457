/**
 * Files an agent edit is never applied to without review: the list, matched the way file systems compare names
 * (case, Windows' trailing dots and short names, HFS+'s ignored code points), at any depth.
 */
import { strict as assert } from "node:assert";
import { protectedPath } from "../../server/src/shared/protectedPaths";
import { RULES_FILE_PATTERNS } from "../../server/src/shared/rulesFiles";

describe("files whose edits are always reviewed", () => {
  const protectedFiles = [
    ".git/config",
    ".git/hooks/pre-commit",
    "vendor/lib/.git/config",
    ".vscode/tasks.json",
    ".vscode/settings.json",
    ".vscode/launch.json",
    ".vscode/extensions.json",
    "app.code-workspace",
    ".devcontainer/devcontainer.json",
    ".devcontainer.json",
    ".envrc",
    ".github/workflows/ci.yml",
    ".github/actions/setup/action.yml",
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "Jenkinsfile",
    "package.json",
    "packages/web/package.json",
    ".npmrc",
    ".yarnrc.yml",
    "pyproject.toml",
    "setup.py",
    "Makefile",
    ".husky/pre-commit",
    ".githooks/pre-push",
    ".pre-commit-config.yaml",
    "Cargo.toml",
    "crates/core/build.rs",
    ".cargo/config.toml",
    "build.gradle.kts",
    "gradle/wrapper/gradle-wrapper.properties",
    "pom.xml",
    "App.csproj",
    "CMakeLists.txt",
    "AGENTS.md",
    "CLAUDE.md",
    ".cursorrules",
    ".github/copilot-instructions.md",
    ".hearth/rules/style.md",
    ".claude/settings.json",
  ];
  for (const path of protectedFiles) it(`protects ${path}`, () => assert.ok(protectedPath(path, "linux"), path));

  // Each category of files run or read with no command, with the reason the review gives for it.
  const runWithoutCommand: ReadonlyArray<readonly [string, string[], RegExp]> = [
    [
      "configuration editor extensions load as code",
      [
        "eslint.config.js",
        "prettier.config.cjs",
        "vite.config.mjs",
        "vitest.config.ts",
        "jest.config.cts",
        "playwright.config.mts",
        "packages/web/tailwind.config.ts",
        "lint-staged.config.js",
        ".eslintrc.js",
        ".prettierrc.cjs",
        ".lintstagedrc.js",
        ".babelrc.mjs",
        ".mocharc.ts",
        "conftest.py",
        "tests/unit/conftest.py",
        ".pnp.cjs",
      ],
      /editor extensions .* load and run it as code/,
    ],
    [
      "project files the editor's language tools evaluate",
      ["Directory.Packages.props", "build/common.props", "Custom.targets", "build.sbt", "project/plugins.sbt", "Package.swift"],
      /language tools evaluate it/,
    ],
    [
      "other agents' instructions and settings",
      [
        "AGENT.md",
        ".github/instructions/ts.instructions.md",
        ".github/prompts/release.prompt.md",
        ".windsurf/rules/style.md",
        ".roo/rules/x.md",
        ".kiro/steering/product.md",
        ".junie/guidelines.md",
        ".aider.conf.yml",
        "CONVENTIONS.md",
        ".goosehints",
        ".rules",
        ".codex/config.toml",
        "opencode.json",
        ".mcp.json",
      ],
      /coding agents follow it as instructions/,
    ],
  ];
  for (const [category, paths, why] of runWithoutCommand)
    it(`protects ${category}`, () => {
      for (const path of paths) assert.match(protectedPath(path, "linux")?.why ?? "(unprotected)", why, path);
    });

  it("protects every rules file the agent reads (shared/rulesFiles.ts)", () => {
    for (const pattern of RULES_FILE_PATTERNS) {
      const path = pattern.replace("*", "x");
      assert.ok(protectedPath(path, "linux"), path);
    }
  });

  it("leaves ordinary source, tests and docs alone", () => {
    for (const path of [
      "src/math.ts",
      "test/math.test.ts",
      "README.md",
      "docs/tasks.json",
      "src/vscode/tasks.json",
      "github/workflows/ci.yml",
      ".github/CODEOWNERS",
      "src/package.json.ts",
      "notes/makefile.md",
      "src/gitconfig.ts",
      "src/config.ts",
      "src/config.js",
      "src/app.config.json",
      "test/config.test.ts",
      "src/eslintrc.js",
      "src/rc.ts",
      "tests/test_conftest.py",
      "src/props.ts",
      "src/targets.ts",
      "docs/agents-guide.md",
      "src/prompts/system.ts",
      "src/instructions.md",
      "src/rules.ts",
      "mcp.json.md",
    ])
      assert.equal(protectedPath(path, "linux"), undefined, path);
  });

  it("compares names the way a case-insensitive file system does", () => {
    for (const path of [".VSCode/Tasks.json", ".GIT/config", "Package.JSON", ".GitHub/Workflows/x.yml", "agents.md"])
      assert.ok(protectedPath(path, "linux"), path);
    assert.ok(protectedPath(".g\u200cit/config", "darwin"), "HFS+ ignores zero-width joiners");
  });

  it("on Windows: backslashes, trailing dots and spaces, and short names", () => {
    for (const path of [".vscode\\tasks.json", ".vscode./tasks.json", "package.json. ", ".VSCODE~1\\tasks.json", "PACKAG~1.JSO"])
      assert.ok(protectedPath(path, "win32"), path);
    assert.equal(protectedPath("src\\math.ts", "win32"), undefined);
    // Trailing dots are a Windows spelling only: elsewhere `package.json.` is another file.
    assert.equal(protectedPath("src/package.json.", "linux"), undefined);
  });

  it("matches a real path that left the workspace by its absolute segments", () => {
    assert.ok(protectedPath("/home/me/project/.git/config", "linux"));
    assert.equal(protectedPath("/home/me/notes/todo.txt", "linux"), undefined);
  });

  it("says why, for the review to show", () => {
    assert.match(protectedPath(".vscode/tasks.json", "linux")?.why ?? "", /runs tasks/);
    assert.match(protectedPath("package.json", "linux")?.why ?? "", /build and test commands/);
    assert.match(protectedPath("AGENTS.md", "linux")?.why ?? "", /instructions/);
  });
});

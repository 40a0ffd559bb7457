/**
 * Files an agent edit could turn into code that runs without anyone running it: git's own files, editor and
 * workspace settings (tasks that run on folder open), dev containers, direnv, CI definitions, git hooks, the
 * manifests and build scripts whose commands `npm test`-style allow-listed commands run, the configuration files
 * editor extensions load as code with no command at all (linters, formatters, test runners, build servers), and the
 * rules and settings coding agents read as instructions (a lasting prompt injection; some run commands from them). An edit to one is
 * always shown for review, whatever hearth.agent.autoApplyEdits says. The line is drawn at files that change WHAT
 * runs or WHEN, not at the project's own source and tests, which an allow-listed test command runs by design.
 *
 * Pure, so the client and tests share it. Names are compared case-insensitively everywhere (on a case-insensitive
 * file system `.VSCode/Tasks.json` is the same file; on others, reviewing one more file costs nothing), and every
 * pattern matches at any depth (a nested package.json is run by workspaces, a nested folder may be opened alone).
 */

/** Why files like these are always reviewed, as the review says it. */
const WHY = {
  git: "git runs hooks and commands from its own files",
  editor: "the editor runs tasks, launch configurations and settings from it",
  container: "dev containers run commands from it",
  shellEnv: "direnv and similar tools load or run it on entering the folder",
  ci: "CI runs the commands in it",
  hooks: "git hooks run it",
  build: "build and test commands run what it says",
  editorLoad: "editor extensions (linters, formatters, test runners) load and run it as code, with no command run",
  projectLoad: "the editor's language tools evaluate it to load the project, on opening the folder",
  agent: "coding agents follow it as instructions, and some run commands from it",
} as const;

/** Folders whose every file is protected, by lower-case name. */
const FOLDERS: ReadonlyArray<readonly [string, string]> = [
  [".git", WHY.git],
  [".vscode", WHY.editor],
  [".idea", WHY.editor],
  [".devcontainer", WHY.container],
  [".husky", WHY.hooks],
  [".githooks", WHY.hooks],
  [".circleci", WHY.ci],
  [".buildkite", WHY.ci],
  [".gitlab", WHY.ci],
  [".woodpecker", WHY.ci],
  [".azure-pipelines", WHY.ci],
  [".cargo", WHY.build],
  [".mvn", WHY.build],
  [".yarn", WHY.build],
  [".hearth", WHY.agent],
  [".claude", WHY.agent],
  [".cursor", WHY.agent],
  [".gemini", WHY.agent],
  [".continue", WHY.agent],
  [".windsurf", WHY.agent],
  [".roo", WHY.agent],
  [".kiro", WHY.agent],
  [".junie", WHY.agent],
  [".codex", WHY.agent],
];

/** Folders protected only inside a given parent (`.github/workflows`), as `parent/child`, lower case. */
const NESTED_FOLDERS: ReadonlyArray<readonly [string, string]> = [
  [".github/workflows", WHY.ci],
  [".github/actions", WHY.ci],
  [".github/instructions", WHY.agent],
  [".github/prompts", WHY.agent],
];

/** File names (lower case) protected wherever they are; `*` stands for any run of characters within the name. */
const FILES: ReadonlyArray<readonly [string, string]> = [
  ["*.code-workspace", WHY.editor],
  [".devcontainer.json", WHY.container],
  [".envrc", WHY.shellEnv],
  [".env", WHY.shellEnv],
  [".mise.toml", WHY.shellEnv],
  ["mise.toml", WHY.shellEnv],
  [".gitmodules", WHY.git],
  [".gitattributes", WHY.git],
  [".gitlab-ci.yml", WHY.ci],
  ["azure-pipelines.yml", WHY.ci],
  ["azure-pipelines.yaml", WHY.ci],
  ["jenkinsfile", WHY.ci],
  [".travis.yml", WHY.ci],
  ["bitbucket-pipelines.yml", WHY.ci],
  [".drone.yml", WHY.ci],
  ["appveyor.yml", WHY.ci],
  [".appveyor.yml", WHY.ci],
  [".woodpecker.yml", WHY.ci],
  [".pre-commit-config.yaml", WHY.hooks],
  ["lefthook.yml", WHY.hooks],
  [".lefthook.yml", WHY.hooks],
  // JavaScript: scripts, install hooks, and package-manager settings that pick what runs (yarnPath, node-options).
  ["package.json", WHY.build],
  [".npmrc", WHY.build],
  [".yarnrc", WHY.build],
  [".yarnrc.yml", WHY.build],
  [".pnpmfile.cjs", WHY.build],
  ["bunfig.toml", WHY.build],
  // Python, Ruby, make-likes.
  ["pyproject.toml", WHY.build],
  ["setup.py", WHY.build],
  ["setup.cfg", WHY.build],
  ["tox.ini", WHY.build],
  ["noxfile.py", WHY.build],
  ["gemfile", WHY.build],
  ["rakefile", WHY.build],
  ["makefile", WHY.build],
  ["gnumakefile", WHY.build],
  ["*.mk", WHY.build],
  ["justfile", WHY.build],
  [".justfile", WHY.build],
  ["taskfile.yml", WHY.build],
  ["taskfile.yaml", WHY.build],
  // Rust, JVM, .NET, CMake.
  ["cargo.toml", WHY.build],
  ["build.rs", WHY.build],
  ["build.gradle", WHY.build],
  ["build.gradle.kts", WHY.build],
  ["settings.gradle", WHY.build],
  ["settings.gradle.kts", WHY.build],
  ["gradle-wrapper.properties", WHY.build],
  ["gradlew", WHY.build],
  ["gradlew.bat", WHY.build],
  ["pom.xml", WHY.build],
  ["mvnw", WHY.build],
  ["mvnw.cmd", WHY.build],
  ["*.csproj", WHY.build],
  ["*.fsproj", WHY.build],
  ["*.vbproj", WHY.build],
  ["directory.build.props", WHY.build],
  ["directory.build.targets", WHY.build],
  ["cmakelists.txt", WHY.build],
  ["*.cmake", WHY.build],
  // Loaded as code by editor extensions on opening a file (ESLint, Prettier, Vite, Vitest, Jest, Playwright,
  // Tailwind, lint-staged; pytest's discovery imports conftest.py; Yarn's PnP loader runs in the editor's TypeScript).
  ["*.config.js", WHY.editorLoad],
  ["*.config.cjs", WHY.editorLoad],
  ["*.config.mjs", WHY.editorLoad],
  ["*.config.ts", WHY.editorLoad],
  ["*.config.cts", WHY.editorLoad],
  ["*.config.mts", WHY.editorLoad],
  [".*rc.js", WHY.editorLoad],
  [".*rc.cjs", WHY.editorLoad],
  [".*rc.mjs", WHY.editorLoad],
  [".*rc.ts", WHY.editorLoad],
  [".*rc.cts", WHY.editorLoad],
  [".*rc.mts", WHY.editorLoad],
  ["conftest.py", WHY.editorLoad],
  [".pnp.cjs", WHY.editorLoad],
  // Evaluated by the editor's language tools to load the project: MSBuild imports, sbt (Metals), SwiftPM.
  ["*.props", WHY.projectLoad],
  ["*.targets", WHY.projectLoad],
  ["*.sbt", WHY.projectLoad],
  ["package.swift", WHY.projectLoad],
  // Rules files (shared/rulesFiles.ts) and other agents' instructions.
  ["agents.md", WHY.agent],
  ["claude.md", WHY.agent],
  ["gemini.md", WHY.agent],
  [".cursorrules", WHY.agent],
  [".clinerules", WHY.agent],
  [".windsurfrules", WHY.agent],
  ["copilot-instructions.md", WHY.agent],
  ["agent.md", WHY.agent],
  ["conventions.md", WHY.agent],
  [".aider.conf.yml", WHY.agent],
  [".goosehints", WHY.agent],
  [".rules", WHY.agent],
  ["opencode.json", WHY.agent],
  ["opencode.jsonc", WHY.agent],
  // The MCP servers agents start from the workspace: each is a command.
  [".mcp.json", WHY.agent],
];

export interface ProtectedPath {
  /** The part of the path that matched (`.vscode`, `package.json`). */
  matched: string;
  /** Why such a file is always reviewed, to finish "…, a file that can run code: …". */
  why: string;
}

/** Code points HFS+ leaves out when it compares names, so `.g\u200cit` is `.git` there (git's is_hfs_dotgit). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * A segment as the file system compares it: lower case, without the code points HFS+ ignores; on Windows without
 * the trailing dots and spaces it drops (`tasks.json.` is `tasks.json` there).
 */
function comparable(segment: string, platform: NodeJS.Platform): string {
  const lower = segment.replace(HFS_IGNORED, "").toLowerCase();
  return platform === "win32" ? lower.replace(/[. ]+$/, "") : lower;
}

function nameMatches(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  const [prefix, suffix] = pattern.split("*");
  return name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}

/**
 * Whether an edit to this path must always be reviewed, and why; undefined for an ordinary file. `path` is relative
 * to a workspace folder (or absolute, for a real path that left the workspace), `/`-separated (`\` too on Windows);
 * give it the REAL path (symlinks resolved), as the client does. On Windows an 8.3 short name (`VSCODE~1`) may
 * stand for any protected name, so it counts as one.
 */
export function protectedPath(path: string, platform: NodeJS.Platform = process.platform): ProtectedPath | undefined {
  const segments = path
    .split(platform === "win32" ? /[\\/]/ : "/")
    .filter((segment) => segment !== "" && segment !== ".")
    .map((segment) => comparable(segment, platform));
  for (const [index, segment] of segments.entries()) {
    const isFile = index === segments.length - 1;
    if (platform === "win32" && /~\d/.test(segment))
      return { matched: segment, why: "a Windows short name, which may stand for a protected file or folder" };
    const folder = FOLDERS.find(([name]) => name === segment);
    // A folder's own name is protected too: creating `.git` or `.vscode` as a file is as telling.
    if (folder) return { matched: folder[0], why: folder[1] };
    const nested = NESTED_FOLDERS.find(([name]) => name === `${segments[index - 1]}/${segment}`);
    if (nested) return { matched: nested[0], why: nested[1] };
    if (isFile) {
      const file = FILES.find(([pattern]) => nameMatches(pattern, segment));
      if (file) return { matched: segment, why: file[1] };
    }
  }
  return undefined;
}

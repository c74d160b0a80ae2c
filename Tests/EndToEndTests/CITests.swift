import Foundation
import KBTesting
import Testing

/// `.pre-commit-hooks.yaml` run by the real pre-commit (PyPI, installed by scripts/setup.sh) in a
/// temporary git repository, and the workflow files of docs/ci.md: they parse, validate against
/// the CI systems' schemas bundled with check-jsonschema, and every kb command in them runs.
@Suite(.serialized) struct CITests {
    /// PATH with the kb under test first, as a user who installed it has.
    static var environment: [String: String] {
        let dir = (TestSupport.kbBinary as NSString).deletingLastPathComponent
        return ["PATH": dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "GIT_AUTHOR_NAME": "kb test", "GIT_AUTHOR_EMAIL": "test@kb.local",
                "GIT_COMMITTER_NAME": "kb test", "GIT_COMMITTER_EMAIL": "test@kb.local",
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]
    }

    func git(_ args: [String], in dir: String) throws -> TestSupport.Run {
        let git = try #require(TestSupport.which("git"), "git is missing")
        return try TestSupport.run(git, args, cwd: dir, environment: Self.environment)
    }

    @Test func preCommitRunsKbCheckAndRefusesABrokenArticle() throws {
        let preCommit = try #require(TestSupport.which("pre-commit"), "pre-commit is missing (scripts/setup.sh test installs it)")
        let root = try TestSupport.tempDirectory("kb-precommit")
        defer { TestSupport.remove(root) }
        var env = Self.environment
        env["PRE_COMMIT_HOME"] = root + "/cache"
        // The hooks repository: this repo's .pre-commit-hooks.yaml, committed.
        let hooks = root + "/hooks"
        try TestSupport.write(TestSupport.read(TestSupport.packageRoot + "/.pre-commit-hooks.yaml"), to: hooks + "/.pre-commit-hooks.yaml")
        _ = try git(["init", "-q", "-b", "main"], in: hooks)
        _ = try git(["add", "."], in: hooks)
        #expect(try git(["commit", "-q", "-m", "hooks"], in: hooks).status == 0)
        let rev = try git(["rev-parse", "HEAD"], in: hooks).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // A KB's repository that uses them.
        let kb = root + "/kb"
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Tests/EndToEndTests/Fixtures/basic", toPath: kb)
        try TestSupport.write("""
            repos:
              - repo: \(hooks)
                rev: \(rev)
                hooks:
                  - id: kb-check
                  - id: kb-check-run
            """, to: kb + "/.pre-commit-config.yaml")
        try TestSupport.write(".build-kb/\nSite/\n", to: kb + "/.gitignore")
        _ = try git(["init", "-q", "-b", "main"], in: kb)
        let install = try TestSupport.run(preCommit, ["install"], cwd: kb, environment: env)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        _ = try git(["add", "."], in: kb)
        let good = try git(["commit", "-q", "-m", "a valid KB"], in: kb)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect((good.stdout + good.stderr).contains("kb check"), "the hook ran: \(good.stdout)\(good.stderr)")
        // A broken article: the commit is refused with kb's positioned message.
        let article = try #require(FileManager.default.subpathsOfDirectory(atPath: kb + "/Content").sorted().first { $0.hasSuffix(".md") && !$0.contains("_index") })
        let text = TestSupport.read(kb + "/Content/" + article)
        try TestSupport.write(text.replacingOccurrences(of: "---\n", with: "---\ntitel: typo\n", options: [], range: text.range(of: "---\n")), to: kb + "/Content/" + article)
        _ = try git(["add", "."], in: kb)
        let bad = try git(["commit", "-q", "-m", "broken"], in: kb)
        #expect(bad.status != 0, "the commit is refused")
        #expect((bad.stdout + bad.stderr).contains("Content/\(article):2:1: error: unknown front-matter key 'titel'; did you mean 'title'?"),
                "\(bad.stdout)\(bad.stderr)")
        #expect(try git(["log", "--oneline"], in: kb).stdout.split(separator: "\n").count == 1, "nothing was committed")
        // The manual hook runs the blocks too.
        try TestSupport.write(text, to: kb + "/Content/" + article)
        _ = try git(["add", "."], in: kb)
        let manual = try TestSupport.run(preCommit, ["run", "kb-check-run", "--hook-stage", "manual", "--all-files"], cwd: kb, environment: env)
        #expect(manual.status == 0, "\(manual.stdout)\(manual.stderr)")
        #expect(manual.stdout.contains("kb check --run"))
    }

    /// ```yaml title=FILE blocks of docs/ci.md.
    static func ciFiles() -> [(name: String, text: String)] {
        let doc = TestSupport.read(TestSupport.packageRoot + "/docs/ci.md")
        var out: [(String, String)] = []
        var current: (String, [String])?
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if let (name, body) = current {
                if line == "```" { out.append((name, body.joined(separator: "\n") + "\n")); current = nil } else { current = (name, body + [String(line)]) }
            } else if let m = line.firstMatch(of: /^```yaml title=(\S+)$/) {
                current = (String(m.1), [])
            }
        }
        return out
    }

    @Test func ciFilesParseValidateAndRunTheirKbCommands() throws {
        let validator = try #require(TestSupport.which("check-jsonschema"), "check-jsonschema is missing (scripts/setup.sh test installs it)")
        let python = try #require(TestSupport.which("python3"))
        let files = Self.ciFiles()
        #expect(files.map(\.name) == [".github/workflows/kb.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"])
        let dir = try TestSupport.tempDirectory("kb-ci")
        defer { TestSupport.remove(dir) }
        var commands: [String] = []
        for (name, text) in files {
            let path = dir + "/" + name.replacingOccurrences(of: "/", with: "_")
            try TestSupport.write(text, to: path)
            // Parsed by a YAML parser; every run/script line collected.
            let parse = try TestSupport.run(python, ["-c", """
                import json, sys, yaml
                doc = yaml.safe_load(open(sys.argv[1]))
                lines = []
                def walk(node, key=None):
                    if isinstance(node, dict):
                        for k, v in node.items(): walk(v, k)
                    elif isinstance(node, list):
                        for v in node: walk(v, key)
                    elif isinstance(node, str) and key in ("run", "script", "before_script"):
                        lines.extend(l.strip() for l in node.splitlines() if l.strip())
                walk(doc)
                print(json.dumps(lines))
                """, path])
            #expect(parse.status == 0, "\(name) parses: \(parse.stderr)")
            commands += (try? JSONDecoder().decode([String].self, from: Data(parse.stdout.utf8))) ?? []
            let schema = [".github/workflows/kb.yml": "vendor.github-workflows", ".gitlab-ci.yml": "vendor.gitlab-ci"][name]
            if let schema {
                let valid = try TestSupport.run(validator, ["--builtin-schema", schema, path])
                #expect(valid.status == 0, "\(name) against \(schema): \(valid.stdout)\(valid.stderr)")
            }
        }
        // The pre-commit config names hooks this repository defines.
        let hookIDs = TestSupport.read(TestSupport.packageRoot + "/.pre-commit-hooks.yaml").matches(of: /(?m)^- id: (\S+)$/).map { String($0.1) }
        let used = files.last?.text.matches(of: /- id: (\S+)/).map { String($0.1) } ?? []
        #expect(!used.isEmpty && used.allSatisfy(hookIDs.contains), "\(used) ⊆ \(hookIDs)")
        // Every kb command runs on a clean fixture and writes its report.
        let kbLines = commands.filter { $0.hasPrefix("kb ") }
        #expect(kbLines.count >= 6, "\(kbLines)")
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        for line in kbLines {
            let run = try TestSupport.run("/bin/sh", ["-c", line], cwd: kb, environment: Self.environment)
            #expect(run.status == 0, "\(line): \(run.stderr)")
        }
        let sarif = try JSONSerialization.jsonObject(with: Data(TestSupport.read(kb + "/kb.sarif").utf8)) as? [String: Any]
        #expect(sarif?["version"] as? String == "2.1.0")
        #expect(TestSupport.read(kb + "/kb-junit.xml").contains("<testsuites"))
        #expect(TestSupport.read(kb + "/kb-run-junit.xml").contains("<testsuites"))
    }
}

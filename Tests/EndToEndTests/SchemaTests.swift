import Foundation
import KBTesting
import Testing

/// `kb schema`: the printed JSON Schemas agree with kb's own parsers, checked with a real validator
/// (PyPI `check-jsonschema`, installed by scripts/setup.sh): every article and kb.yml of the repo and
/// of the valid fixtures passes, and broken samples fail at the very fields `kb check` names.
@Suite(.serialized) struct SchemaTests {
    static let validator = TestSupport.which("check-jsonschema")

    func validator() throws -> String {
        try #require(Self.validator, "check-jsonschema is missing (scripts/setup.sh test installs it)")
    }

    /// The YAML between the opening `---` and the closing `---`/`...`, or nil.
    static func frontMatter(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "---" else { return nil }
        guard let end = lines.dropFirst().firstIndex(where: { $0 == "---" || $0 == "..." }) else { return nil }
        return lines[1..<end].joined(separator: "\n") + "\n"
    }

    /// Writes every article's front matter under `dir` as YAML files; returns their paths.
    static func extract(_ root: String, into dir: String) throws -> [String] {
        var out: [String] = []
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".md") }.sorted()
        for rel in files {
            guard let yaml = frontMatter(TestSupport.read(root + "/" + rel)) else { continue }
            let path = dir + "/" + rel.replacingOccurrences(of: "/", with: "__") + ".yaml"
            try TestSupport.write(yaml, to: path)
            out.append(path)
        }
        return out
    }

    struct Report: Decodable {
        struct Failure: Decodable {
            var filename: String
            var path: String
            var message: String
        }
        var status: String
        var errors: [Failure]
        var parse_errors: [[String: String]]?
    }

    /// check-jsonschema's verdict, as JSON.
    func validate(_ schema: String, _ files: [String]) throws -> (TestSupport.Run, Report?) {
        let run = try TestSupport.run(try validator(), ["-o", "json", "--schemafile", schema] + files)
        return (run, try? JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)))
    }

    @Test func everyArticleAndConfigOfTheRepoAndValidFixturesPasses() throws {
        let dir = try TestSupport.tempDirectory("kb-schema")
        defer { TestSupport.remove(dir) }
        var articles = try Self.extract(TestSupport.packageRoot + "/Content", into: dir + "/content")
        #expect(articles.count > 40, "the repo's articles were found")
        for fixture in ["basic", "cluster"] {
            articles += try Self.extract(TestSupport.packageRoot + "/Tests/EndToEndTests/Fixtures/\(fixture)/Content", into: dir + "/\(fixture)")
        }
        // The schema as a KB with the repo's languages prints it.
        let printed = try TestSupport.kb(["schema", "front-matter", "--output", dir + "/fm.json"], cwd: TestSupport.packageRoot)
        #expect(printed.status == 0, "\(printed.stderr)")
        let (run, report) = try validate(dir + "/fm.json", articles)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(report?.status == "ok")
        let config = try TestSupport.kb(["schema", "config"])
        try TestSupport.write(config.stdout, to: dir + "/config.json")
        let configs = [TestSupport.packageRoot + "/kb.yml"] + ["basic", "cluster"].map { TestSupport.packageRoot + "/Tests/EndToEndTests/Fixtures/\($0)/kb.yml" }
        let (configRun, _) = try validate(dir + "/config.json", configs)
        #expect(configRun.status == 0, "\(configRun.stdout)\(configRun.stderr)")
        // Both are valid JSON Schemas themselves.
        let meta = try TestSupport.run(try validator(), ["--check-metaschema", dir + "/fm.json", dir + "/config.json"])
        #expect(meta.status == 0, "\(meta.stdout)")
    }

    /// Front matter that kb check refuses, and the field it names.
    static let brokenArticles: [(name: String, yaml: String, field: Set<String>)] = [
        ("unknown-key", "titel: Typo\n", ["titel"]),
        ("kind", "kind: symptm\n", ["kind"]),
        ("platform", "platforms: [windws]\n", ["platforms"]),
        ("platforms-scalar", "platforms: windows\n", ["platforms"]),
        ("tags-scalar", "tags: a, b\n", ["tags"]),
        ("id", "id: Go_Command\n", ["id"]),
        ("severity", "severity: high\n", ["severity"]),
        ("updated", "updated: 27/11/2026\n", ["updated"]),
        ("alerts", "alerts: [kube-node-not-ready]\n", ["alerts"]),
        ("errors-empty", "errors: [\"  \"]\n", ["errors"]),
        ("errors-key", "errors:\n  - pattern: x\n", ["errors"]),
        ("errors-scalar", "errors: 'go: not found'\n", ["errors"]),
        ("errors-os", "errors:\n  - {text: boom, os: dos}\n", ["errors"]),
        ("errors-both", "errors:\n  - {text: boom, regex: b.*}\n", ["errors"]),
        ("errors-no-text", "errors:\n  - {os: windows}\n", ["errors"]),
        ("verified", "verified: go1.22\n", ["verified"]),
        ("causes-space", "causes: [\"two words\"]\n", ["causes"]),
        ("see-also-map", "see_also:\n  - {a: b}\n", ["see_also"]),
        ("title-map", "title: {a: b}\n", ["title"]),
        ("summary-list", "summary: [a]\n", ["summary"]),
        ("tools-nested", "tools: [[go]]\n", ["tools"]),
        ("lang", "lang: fr\n", ["lang"]),
        ("several", "kind: symptm\ntitel: x\nplatforms: [linux, bsd]\n", ["kind", "titel", "platforms"]),
    ]

    /// kb.yml that kb refuses, and the setting it names.
    static let brokenConfigs: [(name: String, yaml: String, field: Set<String>)] = [
        ("unknown", "titel: KB\n", ["titel"]),
        ("strict", "strict: maybe\n", ["strict"]),
        ("raw-html", "raw_html: [yes]\n", ["raw_html"]),
        ("languages", "languages: [en, zh]\n", ["languages"]),
        ("lang-dirs", "lang_dirs:\n  pages.zh: {of: pages}\n", ["lang_dirs"]),
        ("title", "title: [a, b]\n", ["title"]),
    ]

    /// The top-level key on `line` of `text` or the nearest above it.
    static func key(atLine line: Int, of text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = min(line, lines.count) - 1
        while i >= 0 {
            if let m = lines[i].firstMatch(of: /^([A-Za-z_][A-Za-z0-9_-]*):/) { return String(m.1) }
            i -= 1
        }
        return nil
    }

    /// The top-level fields a validator error names: `$.kind`, `$.platforms[0]`, or the keys of
    /// "Additional properties are not allowed ('titel' was unexpected)".
    static func fields(_ failure: Report.Failure) -> Set<String> {
        if failure.path == "$" {
            return Set(failure.message.matches(of: /'([^']+)'/).map { String($0.1) }.filter { !$0.contains(" ") })
        }
        let rest = failure.path.dropFirst(2) // "$."
        return [String(rest.prefix { $0 != "." && $0 != "[" })]
    }

    struct CheckReport: Decodable {
        struct Result: Decodable {
            var file: String?
            var line: Int?
            var severity: String?
            var message: String
        }
        var results: [Result]
    }

    @Test func brokenArticlesFailAtTheFieldsKbCheckNames() throws {
        let kb = try TestSupport.tempDirectory("kb-schema-broken")
        defer { TestSupport.remove(kb) }
        var files: [String: String] = [:] // sample → its YAML file for the validator
        for s in Self.brokenArticles {
            try TestSupport.write("---\n\(s.yaml)---\n\n# Sample \(s.name)\n\nText.\n", to: kb + "/Content/s/\(s.name).md")
            try TestSupport.write(s.yaml, to: kb + "/yaml/\(s.name).yaml")
            files[s.name] = kb + "/yaml/\(s.name).yaml"
        }
        let check = try TestSupport.kb(["check", "--json"], cwd: kb)
        #expect(check.status == 1, "\(check.stderr)")
        let checked = try JSONDecoder().decode(CheckReport.self, from: Data(check.stdout.utf8))
        let printed = try TestSupport.kb(["schema", "front-matter", "--output", kb + "/fm.json"], cwd: kb)
        #expect(printed.status == 0, "\(printed.stderr)")
        let (run, report) = try validate(kb + "/fm.json", Self.brokenArticles.map { files[$0.name]! })
        #expect(run.status == 1)
        let failures = try #require(report, "check-jsonschema printed no JSON: \(run.stdout)\(run.stderr)")
        for s in Self.brokenArticles {
            let source = TestSupport.read(kb + "/Content/s/\(s.name).md")
            let fenceEnd = s.yaml.split(separator: "\n").count + 2
            let kbFields = Set(checked.results.filter {
                $0.severity == "error" && $0.file?.hasSuffix("s/\(s.name).md") == true && ($0.line ?? 0) <= fenceEnd
            }.compactMap { Self.key(atLine: $0.line ?? 0, of: source) })
            let schemaFields = failures.errors.filter { $0.filename.hasSuffix("/\(s.name).yaml") }.reduce(into: Set<String>()) { $0.formUnion(Self.fields($1)) }
            #expect(kbFields == s.field, "kb check on \(s.name): \(kbFields)")
            #expect(schemaFields == s.field, "check-jsonschema on \(s.name): \(schemaFields)")
        }
    }

    @Test func brokenConfigsFailAtTheSettingsKbNames() throws {
        let root = try TestSupport.tempDirectory("kb-schema-config")
        defer { TestSupport.remove(root) }
        let schema = root + "/config.json"
        let printed = try TestSupport.kb(["schema", "config", "--output", schema])
        #expect(printed.status == 0)
        var files: [String] = []
        for s in Self.brokenConfigs {
            let kb = root + "/" + s.name
            try TestSupport.write(s.yaml, to: kb + "/kb.yml")
            try TestSupport.write("# A\n\nText.\n", to: kb + "/Content/a.md")
            files.append(kb + "/kb.yml")
            let check = try TestSupport.kb(["check"], cwd: kb)
            #expect(check.status == 2, "\(s.name): \(check.stderr)")
            let lines = check.stderr.matches(of: /kb\.yml:(\d+):\d+: error:/).compactMap { Int($0.1) }
            let kbFields = Set(lines.compactMap { Self.key(atLine: $0, of: s.yaml) })
            #expect(kbFields == s.field, "kb check on \(s.name): \(check.stderr)")
        }
        let (run, report) = try validate(schema, files)
        #expect(run.status == 1)
        let failures = try #require(report)
        for s in Self.brokenConfigs {
            let fields = failures.errors.filter { $0.filename.hasSuffix("/\(s.name)/kb.yml") }.reduce(into: Set<String>()) { $0.formUnion(Self.fields($1)) }
            #expect(fields == s.field, "check-jsonschema on \(s.name): \(fields)")
        }
    }

    @Test func theSiteShipsTheSchemasKbPrints() throws {
        let kb = try TestSupport.fixture("basic")
        defer { TestSupport.remove((kb as NSString).deletingLastPathComponent) }
        let build = try TestSupport.kb(["build"], cwd: kb)
        #expect(build.status == 0, "\(build.stderr)")
        let fm = try TestSupport.kb(["schema", "front-matter"], cwd: kb)
        let config = try TestSupport.kb(["schema", "config"], cwd: kb)
        #expect(TestSupport.read(kb + "/Site/_kb/schema/front-matter.schema.json") == fm.stdout)
        #expect(TestSupport.read(kb + "/Site/_kb/schema/config.schema.json") == config.stdout)
        let schema = try JSONSerialization.jsonObject(with: Data(fm.stdout.utf8)) as? [String: Any]
        let lang = (schema?["properties"] as? [String: Any])?["lang"] as? [String: Any]
        #expect(lang?["enum"] as? [String] == ["en", "zh"], "lang lists the KB's languages")
        let outside = try TestSupport.kb(["schema", "front-matter"], cwd: (kb as NSString).deletingLastPathComponent)
        #expect(outside.status == 0 && !outside.stdout.contains("\"enum\" : [\n        \"en\""), "no KB: lang is any code")
    }
}

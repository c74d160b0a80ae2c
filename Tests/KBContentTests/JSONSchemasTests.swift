import Foundation
import Testing
@testable import KBContent
import KBCore

/// The schema tables and the parsers describe the same keys: every key of the tables, given a
/// value of its shape, parses without a diagnostic, and the parsers' key lists are the tables'.
@Suite struct JSONSchemasTests {
    static func sample(_ shape: JSONSchemas.Shape) -> String {
        switch shape {
        case .scalar: return "Some text"
        case .slug: return "a-slug"
        case .oneOf(let values): return values[0]
        case .language: return "zh"
        case .list: return "[a, b]"
        case .listOf(let values): return "[\(values[0])]"
        case .references: return "[other, sec/other]"
        case .alertNames: return "[KubeNodeNotReady]"
        case .errors: return "\n  - \"boom\"\n  - regex: \"go: .* not found\"\n  - {text: \"not recognized\", os: windows}\n  - {regex: \"x+\", os: [linux, macos]}"
        case .versions: return "{go: \"1.22\"}"
        case .date: return "2026-01-02"
        case .boolean: return "true"
        case .languageNames: return "{en: English, zh: 中文}"
        case .languageFolders: return "{pages.zh: {lang: zh, of: pages}}"
        case .scalarPerLanguage: return "{en: Ops KB, zh: 运维知识库}"
        case .platformCommands: return "{linux: [ionice], macos: [launchctl]}"
        case .synonyms: return "{en: [[antivirus, AV], {from: [qiniu], to: [goproxy.cn]}]}"
        case .articleMap: return "{setx-path: path-truncated-by-setx}"
        }
    }

    @Test func everyFrontMatterKeyOfTheTableParses() {
        for field in JSONSchemas.frontMatter {
            let a = parse("---\n\(field.key): \(Self.sample(field.shape))\n---\n\n# Title\n\nText.\n")
            #expect(a.diagnostics.isEmpty, "\(field.key): \(a.diagnostics.map(\.message))")
        }
        #expect(ArticleParser.frontMatterKeys == JSONSchemas.frontMatter.map(\.key))
    }

    @Test func everyConfigKeyOfTheTableParses() throws {
        for field in JSONSchemas.config {
            #expect(throws: Never.self, "\(field.key)") {
                _ = try KBConfig.parse("\(field.key): \(Self.sample(field.shape))\n", path: "kb.yml")
            }
        }
        #expect(KBConfig.keys == JSONSchemas.config.map(\.key))
    }

    @Test func schemasAreStableJSONWithEveryKey() throws {
        let a = JSONSchemas.frontMatterSchema(languages: ["en", "zh"])
        #expect(a == JSONSchemas.frontMatterSchema(languages: ["en", "zh"]), "byte-identical on every run")
        let doc = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
        let properties = try #require(doc["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ArticleParser.frontMatterKeys))
        #expect(doc["additionalProperties"] as? Bool == false)
        let kind = properties["kind"] as? [String: Any]
        #expect(kind?["enum"] as? [String] == ArticleKind.allCases.map(\.rawValue))
        let config = try #require(try JSONSerialization.jsonObject(with: JSONSchemas.configSchema()) as? [String: Any])
        #expect(Set((config["properties"] as? [String: Any] ?? [:]).keys) == Set(KBConfig.keys))
    }
}

/// `FILL IN:` left in an article is a positioned warning that says what to write.
@Suite struct PlaceholderTests {
    @Test func eachMarkerIsAWarningAtItsColumn() {
        let a = parse("---\ntitle: \"FILL IN: the title\"\n---\n\nText.\n\n```sh\n  # FILL IN: the probe\n```\n")
        let found = a.diagnostics.filter { $0.rule == Placeholder.rule }
        #expect(found.map(\.message) == ["fill this in: the title", "fill this in: the probe"])
        #expect(found.map { $0.location?.line } == [2, 8])
        #expect(found.map { $0.location?.column } == [9, 5])
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(parse("---\ntitle: Done\n---\n\nNo marker here.\n").diagnostics.isEmpty)
    }
}

import Foundation
import KBCore
import Testing
@testable import KBContent

/// A file system of a few files in memory, for the loader.
struct MemoryFiles: FileSystem {
    let root: String
    let files: [String: String]
    func read(_ path: String) throws -> [UInt8] {
        guard path.hasPrefix(root + "/"), let t = files[String(path.dropFirst(root.count + 1))] else {
            throw DiagnosticError(.error("cannot read file", rule: .io, at: nil))
        }
        return Array(t.utf8)
    }
    func walk(_ start: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry] {
        files.keys.sorted().map { FileEntry(relativePath: $0, size: files[$0]!.utf8.count, modified: 0) }
    }
    func exists(_ path: String) -> Bool { path == root || (try? read(path)) != nil }
    func isDirectory(_ path: String) -> Bool { path == root }
}

/// `kb show --site` parses only what it shows: the articles it leaves unparsed must resolve ids
/// and references exactly as parsed ones do.
@Suite struct PartialLoadTests {
    @Test func anUnparsedArticleIsWhatAnEmptyFileAtItsPathParsesTo() {
        var config = KBConfig()
        config.languageFolders["pages.zh"] = .init(lang: "zh", of: "pages")
        let parser = ArticleParser(config: config)
        for path in ["a.md", "go/foo.zh.md", "pages.zh/common/tar.md", "net/_index.md", "net/_index.zh.md", "common/..md", "x/y/mkfs.ext4.md"] {
            let expected = parser.parse(bytes: [], path: path, displayPath: "shown/" + path).article
            let identity = ContentLoader.identityOnly(parser, path: path, displayPath: "shown/" + path)
            #expect(identity == expected, "\(path)")
            #expect(ContentLoader.isIdentityOnly(identity))
        }
    }

    @Test func aPartialLoadResolvesLikeAFullOne() throws {
        let files = [
            "kb.yml": "title: T\n",
            "net/dns-fails.md": "---\ntitle: Lookups fail\nkind: symptom\ncauses: [resolver-down]\n---\n\nBody.\n",
            "net/resolver-down.md": "# Resolver down\n\nThe resolver is down.\n",
            "net/resolver-down.zh.md": "# 解析器停止\n\n正文。\n",
            "other/resolver-down.md": "# Another resolver-down\n",
            "tar.md": "# tar\n\n> Archiving utility.\n",
        ]
        let fs = MemoryFiles(root: "/kb", files: files)
        let project = try Project.discover(content: "/kb", fileSystem: fs)
        let full = KnowledgeGraph(content: try ContentLoader(fileSystem: fs).load(project))
        let partial = KnowledgeGraph(content: try ContentLoader(fileSystem: fs).load(project) { $0.shortID == "tar" })
        #expect(partial.articles.map(\.canonicalID) == full.articles.map(\.canonicalID))
        #expect(partial.articles.map(\.lang) == full.articles.map(\.lang))
        // Front matter is always read; the ambiguity its reference meets is the same.
        #expect(partial.causes == full.causes)
        #expect(partial.diagnostics.map(\.message) == full.diagnostics.map(\.message))
        let tar = try #require(partial.articles.firstIndex { $0.shortID == "tar" })
        #expect(partial.articles[tar] == full.articles[tar], "the wanted article is parsed")
        let other = try #require(partial.articles.firstIndex { $0.path == "other/resolver-down.md" })
        #expect(ContentLoader.isIdentityOnly(partial.articles[other]) && partial.articles[other].title == "resolver-down")
        #expect(partial.resolve("resolver-down", lang: "en") == full.resolve("resolver-down", lang: "en"))
        #expect(partial.resolve("nope", lang: "en") == full.resolve("nope", lang: "en"))
    }

    @Test func anOnlyLoadHasEveryArticleThatCarriesTheIDs() throws {
        let files = [
            "kb.yml": "title: T\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n",
            "a/tar.md": "# tar\n",
            "pages.zh/common/tar.md": "# tar 中文\n",
            "b/other.md": "---\nid: tar\ntitle: Named tar in front matter\n---\n",
            "c/tarball.md": "# not tar\n",
            "d/_index.md": "# d\n",
        ]
        let fs = MemoryFiles(root: "/kb", files: files)
        let project = try Project.discover(content: "/kb", fileSystem: fs)
        let all = try ContentLoader(fileSystem: fs).load(project).articles
        for ids in [["tar"], ["pages/common/tar"], ["d"], ["tarball", "a/tar"]] {
            let want = Set(ids)
            let names = Set(ids.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
            let some = try ContentLoader(fileSystem: fs).load(project, names: names) { want.contains($0) || want.contains($1) }.articles
            let expected = all.filter { want.contains($0.canonicalID) || want.contains($0.shortID) }
            #expect(Set(some) == Set(expected), "\(ids)")
            #expect(!some.isEmpty)
        }
    }
}

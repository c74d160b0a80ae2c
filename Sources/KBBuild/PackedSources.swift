import Foundation
import KBContent
import KBCore

extension SiteBuilder {
    /// The KB's own sources packed into one file, `_kb/content.json` ({"files": {path: text}}),
    /// so `kb show --site`, `kb doctor --site` and `kb graph --site` work from a built site on a
    /// machine with no Content/. One file, not a tree: creating thousands of small files would
    /// cost more than the whole render.
    static func sources(_ c: inout BuildContext) throws {
        var files: [String: String] = [:]
        for entry in c.content!.entries where entry.relativePath.hasSuffix(".md") {
            let bytes = try LocalFileSystem().read(c.project.contentDirectory + "/" + entry.relativePath)
            files[entry.relativePath] = String(decoding: bytes, as: UTF8.self)
        }
        if let config = c.project.configPath, let data = FileManager.default.contents(atPath: config) {
            files["kb.yml"] = String(decoding: data, as: UTF8.self)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try c.staged!.write(sourcesPack, try encoder.encode(["files": files]))
        // Editors validate front matter and kb.yml against these (docs/writing.md).
        try c.staged!.write(schemaFolder + "/front-matter.schema.json", JSONSchemas.frontMatterSchema(languages: c.project.config.languageCodes))
        try c.staged!.write(schemaFolder + "/config.schema.json", JSONSchemas.configSchema())
    }

    /// Where a built site keeps the KB's sources.
    public static let sourcesPack = "_kb/content.json"
}

/// A built site's packed sources (`_kb/content.json`) read in place, as a read-only file system:
/// `--site` loads the KB from memory, with no temp folder written and none left behind.
///
/// The files live under `root`, a path that names the pack itself (`<site>/_kb/content.json`), so
/// messages and `file:` lines say where the text came from. Nothing outside `root` exists here:
/// no generator config above the content folder is found, as none was packed.
public struct PackedSources: FileSystem {
    /// The folder the packed paths are relative to.
    public let root: String
    /// Relative path → text, as packed (unsafe paths dropped).
    let files: [String: String]
    /// Every folder that holds a packed file, relative ("" is the root).
    let folders: Set<String>

    public init(root: String, files: [String: String]) {
        self.root = root
        var kept: [String: String] = [:]
        var folders: Set<String> = [""]
        for (path, text) in files {
            guard let safe = KnowledgeGraph.normalizedContentPath(path) else { continue } // never outside the folder
            kept[safe] = text
            var dir = (safe as NSString).deletingLastPathComponent
            while !dir.isEmpty, folders.insert(dir).inserted { dir = (dir as NSString).deletingLastPathComponent }
        }
        self.files = kept
        self.folders = folders
    }

    /// The sources packed into the site at `site` (an absolute path).
    public static func open(site: String) throws -> PackedSources {
        let pack = site + "/" + SiteBuilder.sourcesPack
        guard let data = FileManager.default.contents(atPath: pack),
              let doc = try? JSONDecoder().decode([String: [String: String]].self, from: data), let files = doc["files"] else {
            throw DiagnosticError(.error("\(site) is not a site built by kb (no \(SiteBuilder.sourcesPack))", rule: .usage, at: nil))
        }
        return PackedSources(root: pack, files: files)
    }

    /// `path` relative to `root`, or nil when it is not under it.
    func relative(_ path: String) -> String? {
        if path == root { return "" }
        guard path.hasPrefix(root + "/") else { return nil }
        return String(path.dropFirst(root.count + 1))
    }

    public func read(_ path: String) throws -> [UInt8] {
        guard let rel = relative(path), let text = files[rel] else {
            throw DiagnosticError(.error("cannot read file", rule: .io, at: SourceLocation(path: path, line: 1, column: 1)))
        }
        return Array(text.utf8)
    }

    public func exists(_ path: String) -> Bool {
        guard let rel = relative(path) else { return false }
        return files[rel] != nil || folders.contains(rel)
    }

    public func isDirectory(_ path: String) -> Bool {
        relative(path).map(folders.contains) ?? false
    }

    /// The packed files under `start`, sorted, skipping hidden names the way a walk of the disk does.
    public func walk(_ start: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry] {
        guard let base = relative(start), base.isEmpty || folders.contains(base) else {
            diagnostics.append(.error("cannot list folder: not in the packed sources", rule: .io,
                                      at: SourceLocation(path: start, line: 1, column: 1)))
            return []
        }
        var out: [FileEntry] = []
        for (path, text) in files {
            let rel: Substring
            if base.isEmpty { rel = Substring(path) } else {
                guard path.hasPrefix(base + "/") else { continue }
                rel = path.dropFirst(base.count + 1)
            }
            let visible = rel.split(separator: "/").allSatisfy { name in
                !name.hasPrefix(".") || (name.hasSuffix(".md") && name.count > 3)
            }
            if visible { out.append(FileEntry(relativePath: String(rel), size: text.utf8.count, modified: 0)) }
        }
        return out.sorted { $0.relativePath < $1.relativePath }
    }
}

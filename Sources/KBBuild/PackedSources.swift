import Foundation
import KBContent
import KBCore

extension SiteBuilder {
    /// The KB's own sources packed into one file, `_kb/content.json` ({"files": {path: text}}),
    /// so `kb show --site`, `kb doctor --site` and `kb graph --site` work from a built site on a
    /// machine with no Content/. One file, not a tree: creating thousands of small files would
    /// cost more than the whole render.
    ///
    /// Each file is read once per build: its text comes from the load when the load read it,
    /// else from the previous site's pack when that holds exactly the bytes the article was
    /// parsed from (same content hash), else from the disk (drafts, files the cache answered for
    /// that the previous pack does not hold).
    static func sources(_ project: Project, content: LoadedContent, previousSite: String, into staged: StagedDirectory) throws {
        let markdown = content.entries.filter { $0.relativePath.hasSuffix(".md") }
        // The previous pack is read only when the load did not read every file (a full build did).
        let previous = markdown.allSatisfy({ content.sources[$0.relativePath] != nil }) ? [:]
            : (try? PackedSources.open(site: previousSite))?.files ?? [:]
        let hashes = Dictionary(content.articles.map { ($0.path, $0.contentHash) }, uniquingKeysWith: { a, _ in a })
        let texts: [Result<[UInt8], Error>] = markdown.parallelMap { entry in
            let path = entry.relativePath
            if let held = content.sources[path] { return .success(held.bytes) }
            if let text = previous[path], let hash = hashes[path] {
                let bytes = Array(text.utf8)
                if StableHash.of(bytes: bytes) == hash { return .success(bytes) }
            }
            return Result { try LocalFileSystem().read(project.contentDirectory + "/" + path) }
        }
        var files = try zip(markdown, texts).map { ($0.relativePath, try $1.get()) }
        if let config = project.configPath, let data = FileManager.default.contents(atPath: config) {
            files.append(("kb.yml", Array(data)))
        }
        try staged.write(sourcesPack, PackWriter.pack(files))
        // Editors validate front matter and kb.yml against these (docs/writing.md).
        try staged.write(schemaFolder + "/front-matter.schema.json", JSONSchemas.frontMatterSchema(languages: project.config.languageCodes))
        try staged.write(schemaFolder + "/config.schema.json", JSONSchemas.configSchema())
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
    /// The paths, sorted: walks come out in order and folders are found by a binary search.
    let sortedPaths: [String]

    public init(root: String, files: [String: String]) {
        self.root = root
        // Only a path with an empty, `.` or `..` segment or a leading `/` needs folding.
        func plain(_ path: String) -> Bool {
            var previous: UInt8 = 0x2F // as if after a "/"
            for c in path.utf8 {
                if previous == 0x2F, c == 0x2F || c == 0x2E { return false }
                previous = c
            }
            return !path.isEmpty && previous != 0x2F
        }
        var kept = files
        for path in files.keys where !plain(path) {
            let text = kept.removeValue(forKey: path)
            // Never outside the folder; a folded path that names another packed file keeps that one.
            if let safe = KnowledgeGraph.normalizedContentPath(path), kept[safe] == nil { kept[safe] = text }
        }
        self.files = kept
        sortedPaths = self.files.keys.sorted()
    }

    /// The sources packed into the site at `site` (an absolute path).
    public static func open(site: String) throws -> PackedSources {
        let pack = site + "/" + SiteBuilder.sourcesPack
        guard let data = FileManager.default.contents(atPath: pack),
              let files = PackReader.files(data) ?? (try? JSONDecoder().decode([String: [String: String]].self, from: data))?["files"] else {
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
        return files[rel] != nil || isFolder(rel)
    }

    public func isDirectory(_ path: String) -> Bool {
        relative(path).map(isFolder) ?? false
    }

    /// A folder is there when a packed file is under it.
    func isFolder(_ rel: String) -> Bool {
        if rel.isEmpty { return true }
        let prefix = rel + "/"
        var low = 0, high = sortedPaths.count
        while low < high {
            let mid = (low + high) / 2
            if sortedPaths[mid] < prefix { low = mid + 1 } else { high = mid }
        }
        return low < sortedPaths.count && sortedPaths[low].hasPrefix(prefix)
    }

    /// The packed files under `start`, sorted, skipping hidden names the way a walk of the disk does.
    public func walk(_ start: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry] {
        guard let base = relative(start), isFolder(base) else {
            diagnostics.append(.error("cannot list folder: not in the packed sources", rule: .io,
                                      at: SourceLocation(path: start, line: 1, column: 1)))
            return []
        }
        var out: [FileEntry] = []
        out.reserveCapacity(files.count)
        for path in sortedPaths {
            let rel: Substring
            if base.isEmpty { rel = Substring(path) } else {
                guard path.hasPrefix(base + "/") else { continue }
                rel = path.dropFirst(base.count + 1)
            }
            let visible = !rel.utf8.contains(0x2E) || rel.split(separator: "/").allSatisfy { name in
                !name.hasPrefix(".") || (name.hasSuffix(".md") && name.count > 3)
            }
            if visible { out.append(FileEntry(relativePath: String(rel), size: files[path]?.utf8.count ?? 0, modified: 0)) }
        }
        return out // sorted: the paths are, and a common prefix keeps their order
    }
}

/// Writes `{"files": {"path": "text", …}}`, paths in String order, slashes unescaped (what
/// JSONEncoder gave with sorted keys on Content/: the same bytes), in one pass over the bytes.
/// PackReader and JSONDecoder both read it (PackedSourcesWriteTests).
enum PackWriter {
    static func pack(_ files: [(path: String, bytes: [UInt8])]) -> Data {
        let sorted = files.sorted { $0.path < $1.path }
        var out: [UInt8] = []
        out.reserveCapacity(sorted.reduce(32) { $0 + $1.bytes.count + $1.path.utf8.count + 8 })
        out.append(contentsOf: Array(#"{"files":{"#.utf8))
        for (k, file) in sorted.enumerated() {
            if k > 0 { out.append(0x2C) }
            string(Array(file.path.utf8), into: &out)
            out.append(0x3A)
            // Invalid UTF-8 is packed as String(decoding:) reads it (U+FFFD), as before.
            string(Array(String(decoding: file.bytes, as: UTF8.self).utf8), into: &out)
        }
        out.append(contentsOf: Array("}}".utf8))
        return Data(out)
    }

    static func string(_ bytes: [UInt8], into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for c in bytes {
            switch c {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }
}

/// Reads `{"files": {"path": "text", …}}`, the one shape kb writes into `_kb/content.json`, in one
/// pass over the bytes (Foundation's decoder builds a tree of the whole file first). Another shape
/// or a bad escape gives nil, and the caller decodes the file with JSONDecoder.
enum PackReader {
    static func files(_ data: Data) -> [String: String]? {
        data.withUnsafeBytes { raw -> [String: String]? in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            func expect(_ c: UInt8) -> Bool {
                skipSpace()
                guard i < b.count, b[i] == c else { return false }
                i += 1
                return true
            }
            func string() -> String? {
                guard expect(0x22) else { return nil }
                guard let base = b.baseAddress else { return nil }
                // The next quote or backslash at or after `i`, or the end.
                func special() -> Int {
                    var j = i
                    while j < b.count {
                        let c = base[j]
                        if c == 0x22 || c == 0x5C { return j }
                        j += 1
                    }
                    return j
                }
                var out: [UInt8] = []
                while true {
                    let j = special()
                    guard j < b.count else { return nil }
                    if base[j] == 0x22, out.isEmpty {
                        defer { i = j + 1 }
                        return String(decoding: UnsafeBufferPointer(start: base + i, count: j - i), as: UTF8.self)
                    }
                    out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
                    i = j + 1
                    if base[j] == 0x22 { return String(decoding: out, as: UTF8.self) }
                    guard i < b.count else { return nil }
                    let e = base[i]
                    i += 1
                    switch e {
                    case 0x22, 0x5C, 0x2F: out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar), i + 1 < b.count, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        // A lone surrogate becomes U+FFFD, as String(decoding:) would make of it.
                        out.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
                    default: return nil
                    }
                }
            }
            func hex4() -> UInt32? {
                guard i + 4 <= b.count else { return nil }
                var v: UInt32 = 0
                for _ in 0..<4 {
                    guard let d = hexDigit(b[i]) else { return nil }
                    v = v << 4 | d
                    i += 1
                }
                return v
            }
            func hexDigit(_ c: UInt8) -> UInt32? {
                switch c {
                case 0x30...0x39: return UInt32(c - 0x30)
                case 0x41...0x46: return UInt32(c - 0x41 + 10)
                case 0x61...0x66: return UInt32(c - 0x61 + 10)
                default: return nil
                }
            }
            guard expect(0x7B), string() == "files", expect(0x3A), expect(0x7B) else { return nil }
            var files: [String: String] = [:]
            skipSpace()
            if i < b.count, b[i] == 0x7D { i += 1 } else {
                while true {
                    guard let key = string(), expect(0x3A), let value = string() else { return nil }
                    files[key] = value
                    if expect(0x2C) { continue }
                    guard expect(0x7D) else { return nil }
                    break
                }
            }
            guard expect(0x7D) else { return nil }
            skipSpace()
            return i == b.count ? files : nil
        }
    }
}

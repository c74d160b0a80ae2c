import Foundation
import KBContent
import KBCore

extension SiteBuilder {
    /// The KB's own sources packed into the site, so `kb show --site`, `kb doctor --site` and
    /// `kb graph --site` work from a built site on a machine with no Content/: `_kb/content.json`
    /// lists parts, `_kb/content/<digest>.json`, each `{"files": {path: text}}` for a run of paths
    /// in order. A few parts, not a file per source: creating thousands of small files would cost
    /// more than the whole render. Not one file either: an edit rewrites the part holding it, and
    /// every other part is the previous site's (100,000 articles pack 500 MB).
    ///
    /// A part is named by the digest of its members' paths and content hashes, and ends after a
    /// path whose hash is a multiple of `partSpacing` once it holds `partMinimum` bytes (or at
    /// `partMaximum`): boundaries follow the paths, so an added or removed file changes its own
    /// part, not every part after it. A part the previous site holds under the same name is taken
    /// as it is, unread; the others are written from the texts the load read, else from the disk.
    static func sources(_ project: Project, content: LoadedContent, previousSite: String, into staged: StagedDirectory) throws {
        let markdown = content.entries.filter { $0.relativePath.hasSuffix(".md") }
        let hashes = Dictionary(content.articles.map { ($0.path, $0.contentHash) }, uniquingKeysWith: { a, _ in a })
        // Every member's content hash: the parse's, else the bytes' (read now, kept for the write).
        var members: [PackMember] = try markdown.parallelMap { entry -> Result<PackMember, Error> in
            let path = entry.relativePath
            if let held = content.sources[path] { return .success(PackMember(path: path, size: held.bytes.count, hash: hashes[path] ?? StableHash.of(bytes: held.bytes), bytes: held.bytes)) }
            if let hash = hashes[path] { return .success(PackMember(path: path, size: entry.size, hash: hash, bytes: nil)) }
            return Result {
                let bytes = try LocalFileSystem().read(project.contentDirectory + "/" + path)
                return PackMember(path: path, size: bytes.count, hash: StableHash.of(bytes: bytes), bytes: bytes)
            }
        }.map { try $0.get() }
        if let config = project.configPath, let data = FileManager.default.contents(atPath: config) {
            let bytes = Array(data)
            members.append(PackMember(path: "kb.yml", size: bytes.count, hash: StableHash.of(bytes: bytes), bytes: bytes))
        }
        let sorted = members.sorted { $0.path < $1.path }
        let parts: [Result<String, Error>] = PackWriter.parts(sorted).parallelMap { run in
            let part = Array(sorted[run])
            let expected = PackWriter.partName(part)
            if staged.reuse(sourcesFolder + "/" + expected) { return .success(expected) }
            return Result {
                // Written from the bytes as they are now: a file edited since the load is packed
                // as read here, under the name its bytes give.
                let files = try part.map { m in (m.path, try m.bytes ?? content.sources[m.path]?.bytes ?? LocalFileSystem().read(project.contentDirectory + "/" + m.path)) }
                let actual = PackWriter.partName(zip(part, files).map { m, f in
                    PackMember(path: m.path, size: f.1.count, hash: m.bytes == nil && StableHash.of(bytes: f.1) != m.hash ? StableHash.of(bytes: f.1) : m.hash, bytes: nil)
                })
                try staged.write(sourcesFolder + "/" + actual, PackWriter.pack(files))
                return actual
            }
        }
        try staged.write(sourcesPack, PackWriter.index(try parts.map { try $0.get() }))
        // Editors validate front matter and kb.yml against these (docs/writing.md).
        try staged.write(schemaFolder + "/front-matter.schema.json", JSONSchemas.frontMatterSchema(languages: project.config.languageCodes))
        try staged.write(schemaFolder + "/config.schema.json", JSONSchemas.configSchema())
    }

    /// Where a built site keeps the list of its packed sources' parts.
    public static let sourcesPack = "_kb/content.json"
    /// Where it keeps the parts.
    public static let sourcesFolder = "_kb/content"
}

/// One packed file: its path, size, content hash and, when already read, its bytes.
struct PackMember: Sendable {
    var path: String
    var size: Int
    var hash: String
    var bytes: [UInt8]?
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

    /// The sources packed into the site at `site` (an absolute path): the parts `_kb/content.json`
    /// lists, read on every core (a site built before parts holds its files in that one file).
    public static func open(site: String) throws -> PackedSources {
        let pack = site + "/" + SiteBuilder.sourcesPack
        let notASite = DiagnosticError(.error("\(site) is not a site built by kb (no \(SiteBuilder.sourcesPack))", rule: .usage, at: nil))
        guard let data = FileManager.default.contents(atPath: pack), let index = PackReader.read(data)
                ?? (try? JSONDecoder().decode(PackReader.Index.self, from: data)) else { throw notASite }
        var files = index.files
        let parts: [[String: String]?] = index.parts.parallelMap { name in
            // Only names kb writes: a part is a file of the parts folder, nothing else.
            guard PackWriter.isPartName(name), let data = FileManager.default.contents(atPath: site + "/" + SiteBuilder.sourcesFolder + "/" + name)
            else { return nil }
            return PackReader.read(data)?.files
        }
        for (name, part) in zip(index.parts, parts) {
            guard let part else {
                throw DiagnosticError(.error("\(site)'s packed sources are incomplete: part \(name) of \(SiteBuilder.sourcesPack) is missing or damaged; build the site again",
                                             rule: .usage, at: nil))
            }
            files.merge(part) { first, _ in first }
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
    /// Part sizes in bytes of sources (a file is never split; see `SiteBuilder.sources`).
    static let partMinimum = 256 * 1024
    static let partMaximum = 2 * 1024 * 1024
    static let partSpacing: UInt64 = 32

    /// Runs of `members` (sorted by path) that make one part each.
    static func parts(_ members: [PackMember]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, size = 0
        for (i, m) in members.enumerated() {
            size += m.size + m.path.utf8.count
            var h = StableHash()
            h.combine(m.path)
            if size >= partMaximum || size >= partMinimum && h.low % partSpacing == 0 {
                out.append(start..<(i + 1))
                start = i + 1
                size = 0
            }
        }
        if start < members.count || out.isEmpty { out.append(start..<members.count) }
        return out
    }

    /// A part's file name: the digest of its members' paths and content hashes.
    static func partName(_ members: [PackMember]) -> String {
        var h = StableHash()
        for m in members { h.combine(m.path); h.combine(m.hash) }
        return h.hex + ".json"
    }

    static func isPartName(_ name: String) -> Bool {
        name.utf8.count == 37 && name.hasSuffix(".json") && name.utf8.prefix(32).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `{"files":{},"parts":["<name>", …]}`: the site's list of parts.
    static func index(_ parts: [String]) -> Data {
        var out = Array(#"{"files":{},"parts":["#.utf8)
        for (k, name) in parts.enumerated() {
            if k > 0 { out.append(0x2C) }
            string(Array(name.utf8), into: &out)
        }
        out.append(contentsOf: Array("]}".utf8))
        return Data(out)
    }

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
    /// A pack: its files, and the parts that hold the rest (`_kb/content.json` lists only parts).
    struct Index: Decodable {
        var files: [String: String]
        var parts: [String]

        init(files: [String: String], parts: [String]) { self.files = files; self.parts = parts }
        init(from decoder: any Decoder) throws {
            enum Keys: String, CodingKey { case files, parts }
            let c = try decoder.container(keyedBy: Keys.self)
            files = try c.decode([String: String].self, forKey: .files)
            parts = try c.decodeIfPresent([String].self, forKey: .parts) ?? []
        }
    }

    static func files(_ data: Data) -> [String: String]? { read(data)?.files }

    static func read(_ data: Data) -> Index? {
        data.withUnsafeBytes { raw -> Index? in
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
            var parts: [String] = []
            if expect(0x2C) {
                guard string() == "parts", expect(0x3A), expect(0x5B) else { return nil }
                skipSpace()
                if i < b.count, b[i] == 0x5D { i += 1 } else {
                    while true {
                        guard let name = string() else { return nil }
                        parts.append(name)
                        if expect(0x2C) { continue }
                        guard expect(0x5D) else { return nil }
                        break
                    }
                }
            }
            guard expect(0x7D) else { return nil }
            skipSpace()
            return i == b.count ? Index(files: files, parts: parts) : nil
        }
    }
}

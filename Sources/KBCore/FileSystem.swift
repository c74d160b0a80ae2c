import Foundation

/// What a loader needs to know about one file, cheaply (no read).
public struct FileEntry: Sendable, Hashable {
    /// Path relative to the root walked, with `/` separators.
    public var relativePath: String
    public var size: Int
    public var modified: Double

    public init(relativePath: String, size: Int, modified: Double) {
        self.relativePath = relativePath
        self.size = size
        self.modified = modified
    }
}

/// File access at the edges, so parsing and graph code stay pure and tests can use memory.
public protocol FileSystem: Sendable {
    func read(_ path: String) throws -> [UInt8]
    /// Regular files under `root`, sorted; hidden entries skipped; symlinks that resolve outside
    /// `root` are reported, never followed.
    func walk(_ root: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry]
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
}

public struct LocalFileSystem: FileSystem {
    public init() {}

    public func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(.error("cannot read file", rule: .io, at: SourceLocation(path: path, line: 1, column: 1)))
        }
        return [UInt8](data)
    }

    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    public func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    public func walk(_ root: String, diagnostics: inout [Diagnostic]) throws -> [FileEntry] {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath()
        let rootPath = rootURL.path
        var out: [FileEntry] = []
        var stack = [""]
        let fm = FileManager.default
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? rootPath : rootPath + "/" + rel
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: dir) } catch {
                diagnostics.append(.error("cannot list folder: \(error.localizedDescription)", rule: .io,
                                          at: SourceLocation(path: dir, line: 1, column: 1)))
                continue
            }
            // Hidden folders and files are skipped (.git, .build-kb), but not Markdown pages
            // whose name starts with a dot (tldr documents the `.` command as `..md`).
            for name in names where !name.hasPrefix(".") || (name.hasSuffix(".md") && name.count > 3) {
                let childRel = rel.isEmpty ? name : rel + "/" + name
                let full = rootPath + "/" + childRel
                guard let attrs = try? fm.attributesOfItem(atPath: full) else { continue }
                var type = attrs[.type] as? FileAttributeType
                var statAttrs = attrs
                if type == .typeSymbolicLink {
                    let target = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                    guard target == rootPath || target.hasPrefix(rootPath + "/") else {
                        diagnostics.append(.error("symbolic link points outside the content folder; refused",
                                                  rule: .symlinkOutside, at: SourceLocation(path: full, line: 1, column: 1)))
                        continue
                    }
                    statAttrs = (try? fm.attributesOfItem(atPath: target)) ?? attrs
                    type = statAttrs[.type] as? FileAttributeType
                    if type == .typeDirectory { continue } // no directory links: no cycles
                }
                if type == .typeDirectory {
                    // A site kb built inside the content folder is output, never input.
                    if OutputPolicy.isKBSite(full) { continue }
                    stack.append(childRel)
                } else if type == .typeRegular {
                    let size = (statAttrs[.size] as? NSNumber)?.intValue ?? 0
                    let mtime = (statAttrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                    out.append(FileEntry(relativePath: childRel, size: size, modified: mtime))
                }
            }
        }
        return out.sorted { $0.relativePath < $1.relativePath }
    }
}

import Foundation
import KBCore
import Yams

extension Project {
    /// Reads what kb can use from the source generator's config: the compat mode when kb.yml does
    /// not set one, the site title when kb.yml gives none, and MkDocs' `nav` order.
    mutating func adoptGenerator(fileSystem fs: FileSystem) {
        let detected = CompatMode.detect(contentDirectory: contentDirectory, fileSystem: fs)
        if config.compat == nil { config.compat = detected?.0 }
        guard let (mode, file) = detected, mode == config.compat, mode == .mkdocs,
              let bytes = try? fs.read(file), bytes.count <= 1 << 20 else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let root = try? Yams.compose(yaml: text), case .mapping(let map) = root else { return }
        if configPath == nil, let name = map["site_name"]?.string { config.title = name }
        if let nav = map["nav"] { config.navOrder = Self.navPaths(nav) }
    }

    /// The Markdown paths of an MkDocs `nav`, in reading order (iterative; bounded by the file size).
    static func navPaths(_ nav: Node) -> [String] {
        var out: [String] = []
        var stack: [Node] = [nav]
        while let node = stack.popLast() {
            switch node {
            case .scalar(let s) where s.string.hasSuffix(".md"): out.append(s.string)
            case .sequence(let seq): stack += seq.reversed()
            case .mapping(let m): stack += m.map(\.value).reversed()
            default: break
            }
            if out.count > 100_000 { break }
        }
        return out
    }
}

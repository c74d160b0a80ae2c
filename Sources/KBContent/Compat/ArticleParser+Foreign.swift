import Foundation
import KBCore
import Yams

extension ArticleParser {
    /// Keys other generators define that mean nothing to kb: kept for templates, no warning.
    static let quietForeignKeys: Set<String> = [
        "keywords", "layout", "type", "toc", "icon", "status", "search", "authors", "author", "comments",
        "expirydate", "expiryDate", "publishdate", "publishDate", "cascade", "build", "_build", "outputs", "sitemap",
        "image", "images", "template", "pagination_next", "pagination_prev", "custom_edit_url", "hide_title",
        "hide_table_of_contents", "last_update", "headless", "markup", "translationKey", "linktitle", "nav_exclude",
        "has_children", "parent", "grand_parent", "permalink_exclude", "social", "readtime", "links", "subtitle",
        "canonical_url", "noindex", "bookHidden", "bookToc", "bookFlatSection", "bookCollapseSection", "bookComments",
        "audience", "math", "mermaid", "menus", "identifier", "isCJKLanguage", "resources", "series",
    ]

    /// Reads a key of another generator's front matter (compat mode only). Returns false when the
    /// key is not one of them, so the caller reports it.
    func readForeignKey(_ key: String, _ value: Node, y: YAMLNodes, diags: inout [Diagnostic],
                        into article: inout Article) -> Bool {
        func list(_ node: Node) -> [String] {
            switch node {
            case .scalar(let s): return s.string.isEmpty ? [] : [s.string]
            case .sequence(let seq): return seq.compactMap(\.string)
            default: return []
            }
        }
        func number(_ node: Node) -> Double? {
            guard let s = node.string else { return nil }
            return Double(s.trimmingCharacters(in: .whitespaces))
        }
        func date(_ node: Node) -> String? {
            guard let s = node.string?.trimmingCharacters(in: .whitespaces), s.count >= 10 else { return nil }
            let day = String(s.prefix(10))
            return day.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil ? day : nil
        }
        switch key {
        case "description":
            if article.summary.isEmpty, let s = value.string {
                article.summary = s.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            }
        case "weight", "sidebar_position", "nav_order", "order":
            if let n = number(value) { article.order = n }
        case "menu":
            // Hugo: `menu: {docs: {weight: 10, parent: …}}`: a weight in it orders the page.
            if article.order == nil, case .mapping(let menus) = value {
                for (_, entry) in menus {
                    if case .mapping(let m) = entry, let w = m["weight"].flatMap(number) { article.order = w; break }
                }
            }
            keep(key, value, into: &article)
        case "aliases", "redirect_from":
            article.aliases += list(value)
        case "draft":
            article.draft = value.bool ?? (value.string == "true")
        case "lastmod", "last_modified_at", "modified":
            if let d = date(value) { article.updated = d }
        case "date":
            if article.updated == nil, let d = date(value) { article.updated = d }
        case "categories", "category":
            article.tags += list(value)
        case "tags" where value.string != nil:
            article.tags += list(value) // a single tag written as a scalar
        case "slug":
            guard let s = value.string, !s.isEmpty else { break }
            if s.hasPrefix("/") { article.address = s } else {
                let folder = article.path.split(separator: "/").dropLast().joined(separator: "/")
                article.address = "/" + (folder.isEmpty ? "" : folder + "/") + s
            }
        case "url", "permalink":
            if let s = value.string, !s.isEmpty { article.address = s.hasPrefix("/") ? s : "/" + s }
        case "linkTitle", "sidebar_label", "nav_title", "short_title", "menu_title":
            article.navTitle = value.string
        case "hide":
            article.hide = list(value)
        case "params", "extra":
            if case .mapping(let m) = value {
                for (k, v) in m { keep("\(key).\(k.string ?? "")", v, into: &article) }
            } else {
                keep(key, value, into: &article)
            }
        case "id" where config.compat == .docusaurus && !(value.string.map(Slug.isValidID) ?? false):
            keep(key, value, into: &article) // Docusaurus ids may hold characters kb ids do not
        case _ where Self.quietForeignKeys.contains(key):
            keep(key, value, into: &article)
        default:
            return false
        }
        return true
    }

    /// Keeps a key kb does not use, as written, for templates.
    func keep(_ key: String, _ value: Node, into article: inout Article) {
        let text: String
        if let s = value.string { text = s } else {
            text = ((try? Yams.serialize(node: value)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if article.extra.count < 200 { article.extra.append([key, String(text.prefix(4096))]) }
    }
}

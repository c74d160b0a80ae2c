import Foundation
import KBCore

extension KnowledgeGraph {
    /// The article a user means by `id` (short or canonical): in `lang` first, else in any
    /// language. `kb show` and `kb mcp` answer the same way.
    public func resolve(_ id: String, lang: String) -> Resolution {
        var found = lookup(id, lang: lang)
        if found.isEmpty { found = lookup(id) }
        guard !found.isEmpty else {
            return .missing(suggestion: suggestions.suggester("all") { articles.map(\.shortID) }.closest(to: id))
        }
        let candidates = Set(found.map { articles[$0].canonicalID })
        if candidates.count > 1 { return .ambiguous(candidates.sorted()) }
        return .found(found[0])
    }
}

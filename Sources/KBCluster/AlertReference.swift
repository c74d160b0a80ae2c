import Foundation

/// What a user or an alert's `runbook_url` names: an alert, maybe with the component folder the
/// upstream runbook sites file it under, or a page of this KB's site.
public struct AlertReference: Sendable, Hashable, Codable {
    /// The alert name as written (case is kept; matching ignores it).
    public var name: String
    /// `kubernetes` in `…/runbooks/kubernetes/KubePodCrashLooping`.
    public var component: String?
    /// For a URL that is not an upstream shape: its path without extension (`edge-cluster/etcd-slow-disk`),
    /// which may be an article of this KB's site.
    public var path: String?

    public init(name: String, component: String? = nil, path: String? = nil) {
        self.name = name
        self.component = component
        self.path = path
    }

    /// Reads a bare alert name or one of the URL shapes runbook sites use:
    /// - `https://runbooks.prometheus-operator.dev/runbooks/<component>/<alert>/`
    /// - `https://github.com/prometheus-operator/runbooks/blob/main/content/runbooks/<component>/<Alert>.md`
    /// - `https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-<lower>`
    /// - this KB's own `<base>/alerts/<Alert>.html`.
    public static func parse(_ raw: String) -> AlertReference {
        let input = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var beforeFragment = input
        if let hash = input.firstIndex(of: "#") {
            let fragment = String(input[input.index(after: hash)...]).removingPercentEncoding ?? ""
            if fragment.lowercased().hasPrefix("alert-name-"), fragment.count > "alert-name-".count {
                return AlertReference(name: String(fragment.dropFirst("alert-name-".count)))
            }
            beforeFragment = String(input[..<hash])
        }
        guard beforeFragment.contains("/") else { return AlertReference(name: beforeFragment) }
        var path = beforeFragment
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        if let scheme = path.range(of: "://") {
            // Drop scheme and host.
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
        }
        var parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard var last = parts.popLast() else { return AlertReference(name: input) }
        for ext in [".md", ".html", ".htm"] where last.lowercased().hasSuffix(ext) {
            last = String(last.dropLast(ext.count))
        }
        if last.lowercased() == "index" || last.lowercased() == "readme", let folder = parts.popLast() { last = folder }
        parts.append(last)
        // `…/runbooks/<component>/<Alert>`: the last `runbooks` with exactly two parts after it.
        if let r = parts.indices.last(where: { parts[$0].lowercased() == "runbooks" && $0 == parts.count - 3 }) {
            return AlertReference(name: parts[r + 2], component: parts[r + 1])
        }
        if parts.count >= 2, parts[parts.count - 2].lowercased() == "alerts" {
            return AlertReference(name: last)
        }
        return AlertReference(name: last, path: parts.joined(separator: "/"))
    }
}

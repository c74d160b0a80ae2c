/// `article.mustache`: one article with its troubleshooting tree, links and metadata.
public struct ArticleModel: PageContent {
    public typealias Item = PageModel.Item
    public static let template = "article"

    public var chrome: PageModel.Chrome
    public var title: String
    public var summary: String?
    public var kind: String
    public var kindLabel: String
    public var breadcrumbs: [Item] = []
    public var platforms: [Item] = []
    /// Tools, environments, components and tags, each with its values.
    public var facets: [PageModel.Group] = []
    public var errors: [PageModel.ErrorText] = []
    /// A symptom's causes, each with its checks and fixes.
    public var tree: [PageModel.Branch] = []
    /// A cause's (or any non-symptom's) own checks and fixes.
    public var ownChecks: [PageModel.BlockRef] = []
    public var ownFixes: [Item] = []
    public var causedSymptoms: [Item] = []
    public var backlinks: [Item] = []
    public var seeAlso: [Item] = []
    public var requires: [Item] = []
    public var translations: [PageModel.Translation] = []
    public var sources: [PageModel.Source] = []
    public var verified: [PageModel.Pair] = []
    public var updated: String?
    public var severity: String?
    public var alerts: [Item] = []
    public var toc: [PageModel.TOCEntry] = []
    public var diagnose: PageModel.Diagnose?
    /// The rendered Markdown, filled at render time.
    public var body = ""
    /// Front-matter keys kb does not use (other generators' `params`, `layout`, …), for templates.
    public var params: [PageModel.Pair] = []

    public var hasErrors: Bool { !errors.isEmpty }
    public var hasTree: Bool { !tree.isEmpty || !ownChecks.isEmpty || !ownFixes.isEmpty || !causedSymptoms.isEmpty }
    public var hasMeta: Bool { !sources.isEmpty || !verified.isEmpty || updated != nil }
    public var hasRelated: Bool { !backlinks.isEmpty || !seeAlso.isEmpty || !requires.isEmpty }
    public var hasTOC: Bool { toc.count >= 2 }

    public static let fields = TemplateFields<Self>.page([
        "summary": \.summary, "kind": \.kind, "kindLabel": \.kindLabel, "breadcrumbs": \.breadcrumbs,
        "platforms": \.platforms, "facets": \.facets, "errors": \.errors, "tree": \.tree, "ownChecks": \.ownChecks,
        "ownFixes": \.ownFixes, "causedSymptoms": \.causedSymptoms, "backlinks": \.backlinks, "seeAlso": \.seeAlso,
        "requires": \.requires, "translations": \.translations, "sources": \.sources, "verified": \.verified,
        "updated": \.updated, "severity": \.severity, "alerts": \.alerts, "toc": \.toc, "diagnose": \.diagnose,
        "body": \.body, "params": \.params,
        "hasErrors": \.hasErrors, "hasTree": \.hasTree, "hasMeta": \.hasMeta, "hasRelated": \.hasRelated, "hasTOC": \.hasTOC,
    ])
}

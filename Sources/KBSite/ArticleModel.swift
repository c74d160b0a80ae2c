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
        "summary": { $0.summary }, "kind": { $0.kind }, "kindLabel": { $0.kindLabel }, "breadcrumbs": { $0.breadcrumbs },
        "platforms": { $0.platforms }, "facets": { $0.facets }, "errors": { $0.errors }, "tree": { $0.tree }, "ownChecks": { $0.ownChecks },
        "ownFixes": { $0.ownFixes }, "causedSymptoms": { $0.causedSymptoms }, "backlinks": { $0.backlinks }, "seeAlso": { $0.seeAlso },
        "requires": { $0.requires }, "translations": { $0.translations }, "sources": { $0.sources }, "verified": { $0.verified },
        "updated": { $0.updated }, "severity": { $0.severity }, "alerts": { $0.alerts }, "toc": { $0.toc }, "diagnose": { $0.diagnose },
        "body": { $0.body }, "params": { $0.params },
        "hasErrors": { $0.hasErrors }, "hasTree": { $0.hasTree }, "hasMeta": { $0.hasMeta }, "hasRelated": { $0.hasRelated }, "hasTOC": { $0.hasTOC },
    ])
}

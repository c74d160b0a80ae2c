import Foundation
import KBContent
import KBCore

/// `kb doctor`: runs the KB's `check` blocks for this OS in the user's real environment, in
/// parallel, and says for each problem its cause, its fix and where to read more. Never runs a fix.
public struct Doctor: Sendable {
    public var graph: KnowledgeGraph
    public var lang: String
    public var runner = BlockRunner(mode: .live)
    public var jobs = 8

    public init(graph: KnowledgeGraph, lang: String? = nil) {
        self.graph = graph
        self.lang = lang ?? graph.config.defaultLanguage
    }

    public struct Selection: Sendable {
        public var symptom: String?
        public var articles: [String] = []
        public var tags: [String] = []
        public init(symptom: String? = nil, articles: [String] = [], tags: [String] = []) {
            self.symptom = symptom
            self.articles = articles
            self.tags = tags
        }
    }

    public struct Check: Sendable {
        public var article: Int
        public var block: Block
        /// The cause this check detects, if any.
        public var cause: Int?
    }

    /// One problem found, with what to do about it.
    public struct Finding: Sendable, Codable {
        public var check: String
        public var cause: String?
        public var causeTitle: String?
        public var fixes: [FixStep]
        public var fixArticles: [String]
        public var article: String
        public var sitePath: String
        public var show: String
    }

    public struct FixStep: Sendable, Codable {
        public var id: String
        public var language: String
        public var admin: Bool
        public var effect: String
        public var code: String
    }

    public struct Report: Sendable {
        public var results: [CheckResult]
        public var findings: [Finding]
        /// With `--symptom`: the causes, those with a problem first.
        public var rankedCauses: [(cause: String, title: String, status: CheckResult.Status)]
    }

    public enum SelectionError: Error, CustomStringConvertible {
        case unknown(String, suggestion: String?)
        case notASymptom(String)
        public var description: String {
            switch self {
            case .unknown(let id, let s): return "no article '\(id)'" + (s.map { "; did you mean '\($0)'?" } ?? "")
            case .notASymptom(let id): return "'\(id)' is not a symptom: use --article for a cause"
            }
        }
    }

    func resolve(_ id: String) throws -> Int {
        if let i = graph.lookup(id, lang: lang).first ?? graph.lookup(id).first { return i }
        throw SelectionError.unknown(id, suggestion: Slug.closest(to: id, in: graph.articles.map(\.shortID)))
    }

    /// The checks to run for a selection, for this OS, in the doctor's language.
    public func checks(_ selection: Selection, os: String = Shell.currentOS) throws -> [Check] {
        var all: [Check] = []
        for (i, a) in graph.articles.enumerated() where a.lang == lang {
            for block in a.blocks where block.role == .check && (block.os.isEmpty || block.os.contains(os)) {
                all.append(Check(article: i, block: block, cause: graph.detectedCause(of: block, in: i)))
            }
        }
        var keep = all
        if let symptom = selection.symptom {
            let s = try resolve(symptom)
            guard graph.articles[s].kind == .symptom else { throw SelectionError.notASymptom(symptom) }
            let causes = graph.causes[s].map { graph.articles[$0].canonicalID }
            keep = keep.filter { c in
                let cause = c.cause.map { graph.articles[$0].canonicalID }
                return cause.map(causes.contains) ?? false || graph.articles[c.article].canonicalID == graph.articles[s].canonicalID
            }
        }
        if !selection.articles.isEmpty {
            let ids = try Set(selection.articles.map { graph.articles[try resolve($0)].canonicalID })
            keep = keep.filter { ids.contains(graph.articles[$0.article].canonicalID) }
        }
        if !selection.tags.isEmpty {
            keep = keep.filter { !Set(graph.articles[$0.article].tags).isDisjoint(with: selection.tags) }
        }
        return keep
    }

    public func run(_ checks: [Check], symptom: String? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) -> Report {
        let graph = self.graph, runner = self.runner
        let done = Locked(0)
        let results: [CheckResult] = concurrentMap(checks, jobs: jobs) { check in
            let a = graph.articles[check.article]
            var r = CheckResult(id: check.block.id ?? "", article: a.canonicalID, kind: "check", status: .unknown,
                                message: "", file: a.displayPath, line: check.block.location.line)
            switch runner.run(check.block) {
            case .skipped(let why):
                r.message = "could not check: \(why)"
            case .notApplicable(let why):
                r.status = .notApplicable
                r.message = "not applicable here: \(why)"
            case .ran(let out):
                r.seconds = out.seconds
                let said = (out.stdout + out.stderr).split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                if out.timedOut {
                    r.message = "could not check: timed out after \(format(check.block.timeout))"
                } else if out.status == 0 {
                    r.status = .ok
                    r.message = said
                } else if out.status == 1 {
                    r.status = .problem
                    r.message = said
                } else {
                    r.message = "could not check (exit \(out.status.map(String.init) ?? "signal")): \(said)"
                }
            }
            progress?(done.withLock { n in n += 1; return n }, checks.count)
            return r
        }
        var findings: [Finding] = []
        for (check, r) in zip(checks, results) where r.status == .problem {
            findings.append(finding(check, r))
        }
        var ranked: [(String, String, CheckResult.Status)] = []
        if let symptom, let s = try? resolve(symptom) {
            for c in graph.causes[s] {
                let mine = zip(checks, results).filter { $0.0.cause.map { graph.articles[$0].canonicalID } == graph.articles[c].canonicalID }.map(\.1.status)
                let status: CheckResult.Status = mine.contains(.problem) ? .problem
                    : !mine.isEmpty && mine.allSatisfy({ $0 == .notApplicable }) ? .notApplicable
                    : mine.contains(.unknown) || mine.isEmpty ? .unknown : .ok
                let title = graph.articles[graph.article(canonical: graph.articles[c].canonicalID, lang: lang) ?? c].title
                ranked.append((graph.articles[c].shortID, title, status))
            }
            let order: [CheckResult.Status: Int] = [.problem: 0, .unknown: 1, .ok: 2, .notApplicable: 3]
            ranked = ranked.enumerated().sorted { (order[$0.element.2]!, $0.offset) < (order[$1.element.2]!, $1.offset) }.map(\.element)
        }
        return Report(results: results, findings: findings, rankedCauses: ranked)
    }

    func finding(_ check: Check, _ r: CheckResult) -> Finding {
        let a = graph.articles[check.article]
        let causeIndex = check.cause.map { graph.article(canonical: graph.articles[$0].canonicalID, lang: lang) ?? $0 }
        let cause = causeIndex.map { graph.articles[$0] }
        var steps: [FixStep] = []
        for art in graph.articles where art.lang == lang {
            for b in art.fixBlocks where b.forID?.id == check.block.id {
                steps.append(FixStep(id: b.id ?? "", language: b.language, admin: b.admin, effect: b.effect.rawValue, code: b.code))
            }
        }
        let fixArticles = causeIndex.map { graph.fixes[$0].map { graph.articles[$0].shortID } } ?? []
        let shown = cause ?? a
        let sitePath = SiteLayout(config: graph.config).articlePath(canonicalID: shown.canonicalID, lang: lang)
        return Finding(check: r.id, cause: cause?.shortID, causeTitle: cause?.title, fixes: steps, fixArticles: fixArticles,
                       article: shown.canonicalID, sitePath: sitePath, show: "kb show \(shown.shortID)")
    }

    /// Severity label per check id for the metrics: the article's `severity:`, else warning.
    public func severities(_ checks: [Check]) -> [String: String] {
        var out: [String: String] = [:]
        for c in checks {
            let a = graph.articles[c.article]
            out[c.block.id ?? ""] = (a.severity ?? c.cause.flatMap { graph.articles[$0].severity })?.rawValue ?? "warning"
        }
        return out
    }
}


import Foundation
import KBCore

extension KnowledgeGraph {
    mutating func checkKinds() {
        for (i, a) in articles.enumerated() {
            for (ref, t) in zip(a.causes, causes[i]) where articles[t].kind != .cause {
                diagnostics.append(.warning("'\(ref.id)' is listed under causes but is a \(articles[t].kind.rawValue)",
                                            rule: .wrongKind, at: ref.location))
            }
            for (ref, t) in zip(a.fixes, fixes[i]) where articles[t].kind != .fix {
                diagnostics.append(.warning("'\(ref.id)' is listed under fixes but is a \(articles[t].kind.rawValue)",
                                            rule: .wrongKind, at: ref.location))
            }
            switch a.kind {
            case .symptom where a.causes.isEmpty:
                diagnostics.append(.warning("symptom has no causes: add causes: [<cause id>, …]", rule: .symptomWithoutCause,
                                            at: a.kindLocation ?? a.location))
            case .cause where a.checks.isEmpty && a.fixBlocks.isEmpty && a.fixes.isEmpty:
                diagnostics.append(.warning("cause has no check and no fix: add a check block or a fix", rule: .causeWithoutCheck,
                                            at: a.kindLocation ?? a.location))
            case .runbook where a.alerts.isEmpty:
                diagnostics.append(.warning("runbook names no alerts: add alerts: [AlertName]", rule: .runbookWithoutAlert,
                                            at: a.kindLocation ?? a.location))
            default: break
            }
            if config.strict, a.kindLocation != nil, !a.isSectionIndex { checkCompleteness(a) }
        }
    }

    /// `strict: true` in kb.yml: what a complete troubleshooting article carries.
    private mutating func checkCompleteness(_ a: Article) {
        let at = a.kindLocation ?? a.location
        if a.kind == .symptom, a.errors.isEmpty {
            diagnostics.append(.warning("symptom lists no error texts: add errors: [\"…\"]", rule: .symptomWithoutErrors, at: at))
        }
        if a.kind == .cause, !a.checks.isEmpty || !a.fixBlocks.isEmpty || !a.fixes.isEmpty {
            if a.checks.isEmpty {
                diagnostics.append(.warning("cause has no check block", rule: .causeWithoutCheck, at: at))
            }
            if a.fixBlocks.isEmpty && a.fixes.isEmpty {
                diagnostics.append(.warning("cause has no fix: add a fix block or fixes: [<id>]", rule: .causeWithoutFix, at: at))
            }
        }
        if a.sources.isEmpty {
            diagnostics.append(.warning("article cites no sources: add sources: [<url>]", rule: .missingSource, at: at))
        }
    }

    mutating func checkBlocks() {
        for i in articles.indices {
            let lang = articles[i].lang, blocks = articles[i].blocks
            for (b, block) in blocks.enumerated() {
                if let ref = block.forID {
                    switch block.role {
                    case .output?:
                        let example = blocks[..<b].last { $0.role == .example }
                        if example?.id != ref.id {
                            diagnostics.append(.error("output for=\(ref.id) must follow the example block with id=\(ref.id) in the same article",
                                                      rule: .blockReference, at: ref.location))
                        }
                    case .fix?:
                        if let (ta, tb) = self.block(id: ref.id, lang: lang) {
                            if articles[ta].blocks[tb].role != .check {
                                diagnostics.append(.error("fix for=\(ref.id): that block is not a check", rule: .blockReference, at: ref.location))
                            }
                        } else {
                            let ids = suggestions.suggester("blocks:" + lang) { blockIDs(lang: lang) }
                            let hint = ids.closest(to: ref.id).map { "; did you mean '\($0)'?" } ?? ""
                            diagnostics.append(.error("fix for=\(ref.id): no check with that id\(hint)", rule: .blockReference, at: ref.location))
                        }
                    default:
                        diagnostics.append(.error("'for=' applies to fix and output blocks only", rule: .blockAttribute, at: ref.location))
                    }
                }
                if let ref = block.detects {
                    if block.role != .check {
                        diagnostics.append(.error("'detects=' applies to check blocks only", rule: .blockAttribute, at: ref.location))
                    }
                    switch resolve(ref.id, writtenIn: lang) {
                    case .found(let t) where articles[t].kind != .cause:
                        diagnostics.append(.warning("detects=\(ref.id) names a \(articles[t].kind.rawValue), not a cause", rule: .wrongKind, at: ref.location))
                    case .found: break
                    case .ambiguous(let c):
                        diagnostics.append(.error("ambiguous id '\(ref.id)' in detects: use one of \(c.joined(separator: ", "))",
                                                  rule: .ambiguousReference, at: ref.location))
                    case .missing(let s):
                        diagnostics.append(.error("unknown id '\(ref.id)' in detects\(s.map { "; did you mean '\($0)'?" } ?? "")",
                                                  rule: .danglingReference, at: ref.location))
                    }
                }
                if block.role == .example {
                    let next = blocks.dropFirst(b + 1).first
                    if next?.role != .output || next?.forID?.id != block.id {
                        diagnostics.append(.warning("example \(block.id ?? "") has no output block after it; its output is not checked",
                                                    rule: .exampleWithoutOutput, at: block.location))
                    }
                }
            }
        }
    }

    private func blockIDs(lang: String) -> [String] {
        articles.filter { $0.lang == lang }.flatMap { $0.blocks.compactMap(\.id) }
    }

    /// The check an article's cause is detected by: explicit `detects=`, else the holding cause.
    public func detectedCause(of block: Block, in articleIndex: Int) -> Int? {
        if let ref = block.detects, case .found(let t) = resolve(ref.id, from: articles[articleIndex]) { return t }
        return articles[articleIndex].kind == .cause ? articleIndex : nil
    }

    mutating func checkRequiresCycles() {
        // Iterative DFS with colours; report each cycle once, at the edge that closes it.
        var colour = Array(repeating: 0, count: articles.count)
        for start in articles.indices where colour[start] == 0 {
            var stack: [(Int, Int)] = [(start, 0)]
            var path: [Int] = [start]
            colour[start] = 1
            while let (node, next) = stack.last {
                if next < requires[node].count {
                    stack[stack.count - 1].1 += 1
                    let t = requires[node][next]
                    if colour[t] == 1 {
                        let cycle = path.drop { $0 != t }.map { articles[$0].shortID } + [articles[t].shortID]
                        let ref = articles[node].requires.first { resolve($0.id, from: articles[node]) == .found(t) }
                        diagnostics.append(.error("requires forms a cycle: \(cycle.joined(separator: " → "))",
                                                  rule: .requiresCycle, at: ref?.location ?? articles[node].location))
                    } else if colour[t] == 0 {
                        colour[t] = 1
                        stack.append((t, 0))
                        path.append(t)
                    }
                } else {
                    colour[node] = 2
                    stack.removeLast()
                    path.removeLast()
                }
            }
        }
    }

    /// Translations must carry the same facts as the original (DESIGN §5): warn on drift.
    mutating func checkTranslations() {
        for (i, a) in articles.enumerated() where a.lang != config.defaultLanguage {
            guard let o = article(canonical: a.canonicalID, lang: config.defaultLanguage) else { continue }
            let original = articles[o]
            func compare(_ what: String, _ mine: [String], _ theirs: [String]) {
                let m = Set(mine), t = Set(theirs)
                guard m != t else { return }
                var parts: [String] = []
                let missing = t.subtracting(m).sorted(), extra = m.subtracting(t).sorted()
                if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
                if !extra.isEmpty { parts.append("extra \(extra.joined(separator: ", "))") }
                diagnostics.append(.warning("translation drift in \(what) against \(original.displayPath): \(parts.joined(separator: "; "))",
                                            rule: .translationDrift, at: a.location))
            }
            compare("errors", a.errors.map(\.text), original.errors.map(\.text))
            compare("causes", causes[i].map { articles[$0].canonicalID }, causes[o].map { articles[$0].canonicalID })
            compare("fixes", fixes[i].map { articles[$0].canonicalID }, fixes[o].map { articles[$0].canonicalID })
            compare("alerts", a.alerts, original.alerts)
            compare("checks", a.checks.compactMap(\.id), original.checks.compactMap(\.id))
            compare("fix blocks", a.fixBlocks.compactMap(\.id), original.fixBlocks.compactMap(\.id))
            if a.kind != original.kind {
                diagnostics.append(.warning("translation drift: kind \(a.kind.rawValue) but the original is \(original.kind.rawValue)",
                                            rule: .translationDrift, at: a.kindLocation ?? a.location))
            }
        }
    }

    /// kb.yml's `advice:` names the articles that explain lint rules: each must exist.
    mutating func checkConfigReferences() {
        for (name, ref) in config.advice.sorted(by: { $0.key < $1.key }) {
            if let problem = Self.unresolved(resolve(ref.id, lang: config.defaultLanguage), ref, in: "advice." + name) {
                diagnostics.append(problem)
            }
        }
    }
}

import Foundation

/// The store's binary form of a document and of its term counts: length-prefixed UTF-8 and
/// varints, read back ten times faster than JSON, so a one-file rebuild does not spend its time
/// decoding the 7,600 documents it reuses. Only the store reads it; the site ships JSON.
enum StoreCodec {
    /// Bump with the layout below (it is part of `SearchStore.formatVersion`).
    static let version = 3

    struct Writer {
        var bytes: [UInt8] = []

        mutating func int(_ value: Int) {
            var v = UInt64(bitPattern: Int64(value))
            while v >= 0x80 {
                bytes.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { buffer in
                int(buffer.count)
                bytes.append(contentsOf: buffer)
            }
        }

        mutating func strings(_ list: [String]) {
            int(list.count)
            for s in list { string(s) }
        }
    }

    /// Reads what `Writer` wrote; any inconsistency (a truncated or foreign blob) throws.
    struct Reader {
        let bytes: [UInt8]
        var at = 0

        init(_ data: Data) { bytes = [UInt8](data) }
        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func int() throws -> Int {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard at < bytes.count, shift < 64 else { throw SearchError.corrupt("truncated number in a stored document") }
                let b = bytes[at]
                at += 1
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            return Int(Int64(bitPattern: v))
        }

        mutating func count() throws -> Int {
            let n = try int()
            guard n >= 0, n <= bytes.count - at else { throw SearchError.corrupt("bad length in a stored document") }
            return n
        }

        mutating func string() throws -> String {
            String(decoding: bytes[try stringBytes()], as: UTF8.self)
        }

        /// Where the next string's UTF-8 is, skipped over.
        mutating func stringBytes() throws -> Range<Int> {
            let n = try count()
            defer { at += n }
            return at..<(at + n)
        }

        mutating func strings() throws -> [String] {
            let n = try count()
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try string()) }
            return out
        }
    }

    static func encode(_ d: SearchDocument) -> Data {
        var w = Writer()
        for s in [d.id, d.canonicalID, d.lang, d.url, d.title, d.kind, d.summary, d.path, d.contentHash] { w.string(s) }
        for list in [d.platforms, d.tools, d.tags, d.errors, d.patterns, d.fields, d.alerts, d.causes, d.errorWords] { w.strings(list) }
        w.int(d.causeDocs.count)
        for n in d.causeDocs { w.int(n) }
        return Data(w.bytes)
    }

    static func decodeDocument(_ data: Data) throws -> SearchDocument {
        var r = Reader(data)
        let id = try r.string(), canonicalID = try r.string(), lang = try r.string(), url = try r.string()
        let title = try r.string(), kind = try r.string(), summary = try r.string(), path = try r.string(), hash = try r.string()
        let platforms = try r.strings(), tools = try r.strings(), tags = try r.strings()
        let errors = try r.strings(), patterns = try r.strings(), fields = try r.strings(), alerts = try r.strings(), causes = try r.strings()
        let errorWords = try r.strings()
        let causeCount = try r.count()
        var causeDocs: [Int] = []
        for _ in 0..<causeCount { causeDocs.append(try r.int()) }
        guard fields.count == Field.allCases.count else { throw SearchError.corrupt("a stored document has \(fields.count) fields") }
        return SearchDocument(id: id, canonicalID: canonicalID, lang: lang, url: url, title: title, kind: kind, summary: summary,
                              platforms: platforms, tools: tools, tags: tags, errors: errors, patterns: patterns,
                              fields: fields, path: path, contentHash: hash, alerts: alerts, causes: causes,
                              causeDocs: causeDocs, errorWords: errorWords)
    }

    static func encode(_ t: DocumentTerms) -> Data {
        if let row = t.row { return Data(row) }
        var w = Writer()
        w.int(t.counts.count)
        for (field, counts) in t.counts.enumerated() {
            w.int(t.lengths[field])
            w.int(counts.count)
            // In term order (TermCounts keeps it), so one document always encodes to the same bytes.
            for (term, n) in counts {
                w.string(term)
                w.int(Int(n))
            }
        }
        w.int(t.errorTerms.count)
        for terms in t.errorTerms { w.strings(terms) }
        return Data(w.bytes)
    }

    /// A stored row of term counts, checked whole — its bounds and counts, and its terms in order
    /// (their UTF-8 bytes: terms are NFKC-normalized, where that is String's order) — with its
    /// field lengths read; its terms stay bytes until asked (`DocumentTerms`).
    static func decodeTerms(_ data: Data) throws -> DocumentTerms {
        var r = Reader(data)
        let fields = try r.count()
        guard fields == Field.allCases.count else { throw SearchError.corrupt("stored term counts have \(fields) fields") }
        var lengths: [Int] = []
        lengths.reserveCapacity(fields)
        for _ in 0..<fields {
            lengths.append(try r.int())
            var last: Range<Int>?
            for _ in 0..<(try r.count()) {
                let term = try r.stringBytes()
                // Stored in order by `encode`; a row out of order (or repeating a term) is damaged.
                if let last, !r.bytes[last].lexicographicallyPrecedes(r.bytes[term]) {
                    throw SearchError.corrupt("stored term counts out of order")
                }
                last = term
                _ = try r.int()
            }
        }
        for _ in 0..<(try r.count()) {
            for _ in 0..<(try r.count()) { _ = try r.stringBytes() }
        }
        guard r.at == r.bytes.count else { throw SearchError.corrupt("bytes left over in stored term counts") }
        return DocumentTerms(lengths: lengths, row: r.bytes)
    }

    /// The counts and error terms of a row `decodeTerms` checked (`fields` empty fields should a
    /// row that passed the check fail here, which it cannot).
    static func termValues(_ bytes: [UInt8], fields: Int) -> (counts: [TermCounts], errorTerms: [[String]]) {
        var r = Reader(bytes: bytes)
        do {
            var counts: [TermCounts] = []
            for _ in 0..<(try r.count()) {
                _ = try r.int()
                let n = try r.count()
                var terms: [String] = [], numbers: [UInt32] = []
                terms.reserveCapacity(n)
                numbers.reserveCapacity(n)
                for _ in 0..<n {
                    terms.append(try r.string())
                    numbers.append(UInt32(clamping: try r.int()))
                }
                counts.append(TermCounts(sorted: terms, counts: numbers))
            }
            var errorTerms: [[String]] = []
            for _ in 0..<(try r.count()) { errorTerms.append(try r.strings()) }
            return (counts, errorTerms)
        } catch {
            return (Array(repeating: TermCounts([:]), count: fields), [])
        }
    }
}

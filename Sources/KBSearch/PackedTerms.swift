import Foundation

/// Every document's term counts of one language with each term numbered once: per distinct term
/// of a field, two 32-bit numbers (the term's number and its count), one array per document,
/// instead of a `String` and a count in two arrays per field (`DocumentTerms`). A full build holds
/// the whole corpus's term counts through its search step: the impacts read them, then the store
/// writes each document's row from them (`encoded`, the same bytes as `StoreCodec.encode` of the
/// document's `DocumentTerms`).
public struct PackedTerms: Sendable {
    /// Term number → term (numbers in the order terms were first appended).
    public private(set) var names: [String] = []
    /// Per document: its field count F, F field ends (counted in pairs), F field lengths, then per
    /// field its (term number, count) pairs in the field's term order (String `<`).
    private var rows: [[UInt32]] = []
    /// Per document: the query-mode terms of each literal error text.
    private var errorTerms: [[[String]]] = []
    /// Term → number, while documents are appended; `finish()` lets it go.
    private var numbers: [String: UInt32] = [:]
    /// Per term number, how many documents hold it.
    public private(set) var documentFrequency: [Int] = []
    /// Per term number, the last document counted in its document frequency, while appending.
    private var lastDocument: [Int] = []

    public init() {}

    public init(_ documents: [DocumentTerms]) {
        for t in documents { append(t) }
    }

    public var count: Int { rows.count }

    public var isEmpty: Bool { rows.isEmpty }

    /// Appends the next document.
    public mutating func append(_ t: DocumentTerms) {
        let fields = t.counts.count
        var row: [UInt32] = []
        row.reserveCapacity(1 + 2 * fields + 2 * t.counts.reduce(0) { $0 + $1.count })
        row.append(UInt32(truncatingIfNeeded: fields))
        var end = 0
        for field in t.counts {
            end += field.count
            row.append(UInt32(truncatingIfNeeded: end))
        }
        for length in t.lengths { row.append(UInt32(clamping: length)) }
        let d = rows.count
        for field in t.counts {
            for (term, count) in field {
                let id: UInt32
                if let known = numbers[term] { id = known } else {
                    id = UInt32(truncatingIfNeeded: names.count)
                    numbers[term] = id
                    names.append(term)
                    documentFrequency.append(0)
                    lastDocument.append(-1)
                }
                if lastDocument[Int(id)] != d {
                    lastDocument[Int(id)] = d
                    documentFrequency[Int(id)] += 1
                }
                row.append(id)
                row.append(count)
            }
        }
        rows.append(row)
        errorTerms.append(t.errorTerms)
    }

    /// The number of `term`, nil when no document holds it (or after `finish()`).
    public func number(_ term: String) -> Int? { numbers[term].map(Int.init) }

    /// Lets go of what only appending needs (the term → number table).
    public mutating func finish() {
        numbers = [:]
        lastDocument = []
    }

    /// How many fields document `d` has.
    public func fieldCount(_ d: Int) -> Int { Int(rows[d][0]) }

    /// The length (token count) of field `f` of document `d`.
    public func length(_ d: Int, _ f: Int) -> Int { Int(rows[d][1 + fieldCount(d) + f]) }

    /// Calls `body(term number, count)` for each term of field `f` of document `d`, in term order.
    @inline(__always)
    public func forEach(_ d: Int, field f: Int, _ body: (Int, UInt32) -> Void) {
        rows[d].withUnsafeBufferPointer { row in
            let fields = Int(row[0])
            let header = 1 + 2 * fields
            var i = header + 2 * (f == 0 ? 0 : Int(row[f]))
            let stop = header + 2 * Int(row[1 + f])
            while i < stop {
                body(Int(row[i]), row[i + 1])
                i += 2
            }
        }
    }

    /// How many distinct terms field `f` of document `d` holds.
    func termCount(_ d: Int, field f: Int) -> Int { Int(rows[d][1 + f]) - (f == 0 ? 0 : Int(rows[d][f])) }

    /// Document `d`'s term counts as strings again.
    public func documentTerms(_ d: Int) -> DocumentTerms {
        let fields = fieldCount(d)
        var counts: [TermCounts] = [], lengths: [Int] = []
        for f in 0..<fields {
            var terms: [String] = [], numbers: [UInt32] = []
            forEach(d, field: f) { id, count in
                terms.append(names[id])
                numbers.append(count)
            }
            counts.append(TermCounts(sorted: terms, counts: numbers))
            lengths.append(length(d, f))
        }
        return DocumentTerms(counts: counts, lengths: lengths, errorTerms: errorTerms[d])
    }

    /// Document `d`'s row in the store: `StoreCodec.encode(documentTerms(d))`, without making the strings.
    func encoded(_ d: Int) -> Data {
        var w = StoreCodec.Writer()
        let fields = fieldCount(d)
        w.int(fields)
        for f in 0..<fields {
            w.int(length(d, f))
            w.int(termCount(d, field: f))
            forEach(d, field: f) { id, count in
                w.string(names[id])
                w.int(Int(count))
            }
        }
        w.int(errorTerms[d].count)
        for terms in errorTerms[d] { w.strings(terms) }
        return Data(w.bytes)
    }
}

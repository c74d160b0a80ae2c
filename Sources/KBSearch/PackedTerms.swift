import Foundation

/// Every document's term counts of one language with each term numbered once, one byte string
/// per document, instead of a `String` and a count in two arrays per field (`DocumentTerms`). A
/// full build holds the whole corpus's term counts through its search step: the impacts read
/// them, then the store writes each document's row from them (`encoded`, the same bytes as
/// `StoreCodec.encode` of the document's `DocumentTerms`).
public struct PackedTerms: Sendable {
    /// Term number → term (numbers in the order terms were first appended: common terms come
    /// early and take one or two bytes).
    public private(set) var names: [String] = []
    /// Per document, as varints (7 bits a byte, low bits first): its field count, then per field
    /// its length, how many distinct terms it holds, and their (term number, count) pairs in the
    /// field's term order (String `<`). About 3 bytes a pair, against 8 as two 32-bit numbers.
    private var rows: [[UInt8]] = []
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
        let t = t.decoded()
        var row: [UInt8] = []
        row.reserveCapacity(8 + 12 * t.counts.count + 6 * t.counts.reduce(0) { $0 + $1.count })
        func put(_ value: Int) {
            var v = UInt64(truncatingIfNeeded: value)
            while v >= 0x80 {
                row.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            row.append(UInt8(v))
        }
        let d = rows.count
        put(t.counts.count)
        for (f, field) in t.counts.enumerated() {
            put(f < t.lengths.count ? t.lengths[f] : 0)
            put(field.count)
            for (term, count) in field {
                let id: Int
                if let known = numbers[term] { id = Int(known) } else {
                    id = names.count
                    numbers[term] = UInt32(truncatingIfNeeded: id)
                    names.append(term)
                    documentFrequency.append(0)
                    lastDocument.append(-1)
                }
                if lastDocument[id] != d {
                    lastDocument[id] = d
                    documentFrequency[id] += 1
                }
                put(id)
                put(Int(count))
            }
        }
        // Kept at its exact size (the scratch row's capacity is an estimate).
        rows.append([UInt8](unsafeUninitializedCapacity: row.count) { buffer, n in
            n = buffer.initialize(from: row).1
        })
        errorTerms.append(t.errorTerms)
    }

    /// The number of `term`, nil when no document holds it (or after `finish()`).
    public func number(_ term: String) -> Int? { numbers[term].map(Int.init) }

    /// Lets go of what only appending needs (the term → number table).
    public mutating func finish() {
        numbers = [:]
        lastDocument = []
    }

    /// Visits document `d`'s fields in order: `field(f, length)` before each field's terms, then
    /// `term(number, count)` for each of its terms, in term order.
    @inline(__always)
    public func visit(_ d: Int, field: (_ f: Int, _ length: Int) -> Void, term: (_ number: Int, _ count: UInt32) -> Void) {
        rows[d].withUnsafeBufferPointer { row in
            var reader = VarintReader(row: row)
            func next() -> Int { reader.next() }
            let fields = next()
            for f in 0..<fields {
                field(f, next())
                let terms = next()
                for _ in 0..<terms {
                    let id = next()
                    term(id, UInt32(truncatingIfNeeded: next()))
                }
            }
        }
    }

    /// Document `d`'s term counts as strings again (tests compare them with what was packed).
    func documentTerms(_ d: Int) -> DocumentTerms {
        var counts: [TermCounts] = [], lengths: [Int] = []
        var terms: [String] = [], numbers: [UInt32] = []
        func close() {
            guard !lengths.isEmpty else { return }
            counts.append(TermCounts(sorted: terms, counts: numbers))
            terms = []
            numbers = []
        }
        visit(d, field: { _, length in
            close()
            lengths.append(length)
        }, term: { id, count in
            terms.append(names[id])
            numbers.append(count)
        })
        close()
        return DocumentTerms(counts: counts, lengths: lengths, errorTerms: errorTerms[d])
    }

    /// Document `d`'s row in the store: `StoreCodec.encode(documentTerms(d))`, without making the strings.
    func encoded(_ d: Int) -> Data {
        var w = StoreCodec.Writer()
        var fields = 0
        rows[d].withUnsafeBufferPointer { row in
            var reader = VarintReader(row: row)
            func next() -> Int { reader.next() }
            fields = next()
            w.int(fields)
            for _ in 0..<fields {
                w.int(next())
                let terms = next()
                w.int(terms)
                for _ in 0..<terms {
                    w.string(names[next()])
                    w.int(next())
                }
            }
        }
        w.int(errorTerms[d].count)
        for terms in errorTerms[d] { w.strings(terms) }
        return Data(w.bytes)
    }
}

/// Reads a row's varints (7 bits a byte, low bits first) one after another.
private struct VarintReader {
    let row: UnsafeBufferPointer<UInt8>
    var at = 0

    @inline(__always)
    mutating func next() -> Int {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            let byte = row[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return Int(truncatingIfNeeded: value) }
            shift += 7
        }
    }
}

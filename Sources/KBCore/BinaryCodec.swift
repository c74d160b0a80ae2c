/// A compact positional binary form for `Codable` values, for caches a build writes and reads
/// back itself (the parsed articles: decoding 7,600 of them from JSON was a third of a one-file
/// rebuild of tldr).
///
/// Keys are not written: a keyed container's values follow each other in the order the type's
/// `encode(to:)` writes them, which its `init(from:)` reads in the same order (true of every
/// synthesized conformance). Optionals carry a presence byte, arrays a count. Integers are
/// zigzag varints, doubles their 8 bytes, strings a varint length and their UTF-8.
///
/// Not for values whose decoding depends on which keys are present: dictionaries and enums with
/// associated values are refused when encoding (`Unsupported`), so a cache built on this never
/// reads back something other than what it wrote. Bytes from anywhere else (a truncated or older
/// cache row) throw `DecodingError`, never trap.
public enum BinaryCodec {
    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = Writer()
        try writer.value(value)
        return writer.bytes
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let reader = Reader(bytes)
        let value = try reader.value(T.self)
        try reader.input.finish()
        return value
    }

    // MARK: writing

    final class Writer: Encoder {
        var bytes: [UInt8] = []
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        func varint(_ v: UInt64) {
            var v = v
            while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            bytes.append(UInt8(v))
        }
        func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        func string(_ s: String) {
            var s = s
            s.withUTF8 { buf in
                varint(UInt64(buf.count))
                bytes.append(contentsOf: buf)
            }
        }
        func double(_ d: Double) {
            let bits = d.bitPattern
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        }

        func value<T: Encodable>(_ v: T) throws {
            // By static type, not a dynamic cast: `Optional("x") as? String` succeeds, and an
            // optional must keep its presence byte.
            if T.self == String.self { string(v as! String) }
            else if T.self == Int.self { int(Int64(v as! Int)) }
            else if T.self == Bool.self { bytes.append((v as! Bool) ? 1 : 0) }
            else if T.self == Double.self { double(v as! Double) }
            else if v is any StringKeyedEncodable {
                throw Unsupported(description: "BinaryCodec cannot encode a dictionary (\(T.self))")
            } else {
                try v.encode(to: self)
            }
        }

        func present<T: Encodable>(_ v: T?) throws {
            guard let v else { bytes.append(0); return }
            bytes.append(1)
            try value(v)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(KeyedWriter<Key>(w: self))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let at = bytes.count
            bytes.append(contentsOf: [0, 0, 0, 0])
            return UnkeyedWriter(w: self, countAt: at)
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(w: self) }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let w: Writer
        var codingPath: [any CodingKey] = []
        mutating func encodeNil(forKey key: Key) throws { w.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try w.value(value) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try w.present(value) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try w.present(value) }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            w.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { w.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { w }
        mutating func superEncoder(forKey key: Key) -> any Encoder { w }
    }

    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let w: Writer
        let countAt: Int
        var codingPath: [any CodingKey] = []
        var count = 0
        mutating func bump() {
            count += 1
            let c = UInt32(count)
            for i in 0..<4 { w.bytes[countAt + i] = UInt8(truncatingIfNeeded: c >> (8 * UInt32(i))) }
        }
        mutating func encodeNil() throws { bump(); w.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T) throws { bump(); try w.value(value) }
        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
            bump()
            return w.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { bump(); return w.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { w }
    }

    /// A single value carries a presence byte (0: nil, 1: a value), so an optional inside a
    /// list or at the top reads back as it was.
    struct SingleWriter: SingleValueEncodingContainer {
        let w: Writer
        var codingPath: [any CodingKey] = []
        mutating func encodeNil() throws { w.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T) throws { w.bytes.append(1); try w.value(value) }
        mutating func encode(_ value: Bool) throws { w.bytes.append(1); w.bytes.append(value ? 1 : 0) }
        mutating func encode(_ value: String) throws { w.bytes.append(1); w.string(value) }
        mutating func encode(_ value: Double) throws { w.bytes.append(1); w.double(value) }
        mutating func encode(_ value: Float) throws { w.bytes.append(1); w.double(Double(value)) }
        mutating func encode(_ value: Int) throws { w.bytes.append(1); w.int(Int64(value)) }
        mutating func encode(_ value: Int8) throws { w.bytes.append(1); w.int(Int64(value)) }
        mutating func encode(_ value: Int16) throws { w.bytes.append(1); w.int(Int64(value)) }
        mutating func encode(_ value: Int32) throws { w.bytes.append(1); w.int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { w.bytes.append(1); w.int(value) }
        mutating func encode(_ value: UInt) throws { w.bytes.append(1); w.varint(UInt64(value)) }
        mutating func encode(_ value: UInt8) throws { w.bytes.append(1); w.varint(UInt64(value)) }
        mutating func encode(_ value: UInt16) throws { w.bytes.append(1); w.varint(UInt64(value)) }
        mutating func encode(_ value: UInt32) throws { w.bytes.append(1); w.varint(UInt64(value)) }
        mutating func encode(_ value: UInt64) throws { w.bytes.append(1); w.varint(value) }
    }

    // MARK: reading

    /// The bytes `encode` wrote, read value by value: what `Reader` decodes a `Codable` value
    /// with, and what a type decoded by hand reads (`Article`'s cached fields: the generic
    /// decoding of 7,600 of them was a fifth of an edit's rebuild of tldr). A hand-written
    /// reader follows the order the type's `encode(to:)` writes, with what each kind of value
    /// writes: a string, integer, Bool or Double as itself; an optional (`encodeIfPresent`) a
    /// presence byte first (`optional`); a list a four-byte count (`list`, `strings`); a value
    /// encoded through a single-value container — an enum's raw value — a 1 first (`rawValue`).
    /// Every read checks the bounds and throws `DecodingError` on bytes it cannot take.
    public struct Input {
        @usableFromInline let bytes: [UInt8]
        @usableFromInline var at = 0
        /// How many bytes were read.
        public var offset: Int { at }

        public init(_ bytes: [UInt8]) { self.bytes = bytes }

        public func corrupt(_ why: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "binary cache entry: \(why)"))
        }
        /// Throws unless every byte was read.
        public func finish() throws {
            guard at == bytes.count else { throw corrupt("\(bytes.count - at) bytes left over") }
        }
        @inlinable public mutating func byte() throws -> UInt8 {
            guard at < bytes.count else { throw corrupt("truncated") }
            defer { at += 1 }
            return bytes[at]
        }
        @inlinable public mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw corrupt("varint too long") }
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
        @inlinable public mutating func int64() throws -> Int64 {
            let u = try varint()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }
        @inlinable public mutating func int() throws -> Int { Int(truncatingIfNeeded: try int64()) }
        @inlinable public mutating func bool() throws -> Bool { try byte() != 0 }
        @inlinable public mutating func string() throws -> String {
            let n = try varint()
            guard n <= UInt64(bytes.count - at) else { throw corrupt("string past the end") }
            let end = at + Int(n)
            defer { at = end }
            return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[at..<end]), as: UTF8.self) }
        }
        @inlinable public mutating func double() throws -> Double {
            guard bytes.count - at >= 8 else { throw corrupt("truncated") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
            at += 8
            return Double(bitPattern: bits)
        }
        /// A list's count (four bytes), at most the bytes left: each element takes at least one.
        @inlinable public mutating func count() throws -> Int {
            guard bytes.count - at >= 4 else { throw corrupt("truncated") }
            var c = 0
            for i in 0..<4 { c |= Int(bytes[at + i]) << (8 * i) }
            at += 4
            guard c <= bytes.count - at else { throw corrupt("count past the end") }
            return c
        }
        @inlinable public mutating func strings() throws -> [String] {
            let n = try count()
            var out: [String] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try string()) }
            return out
        }
        @inlinable public mutating func list<T>(_ element: (inout Input) throws -> T) throws -> [T] {
            let n = try count()
            var out: [T] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try element(&self)) }
            return out
        }
        /// A presence byte: false for nil, true when a value follows.
        @inlinable public mutating func isPresent() throws -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            default: throw corrupt("bad presence byte")
            }
        }
        @inlinable public mutating func optional<T>(_ value: (inout Input) throws -> T) throws -> T? {
            try isPresent() ? try value(&self) : nil
        }
        /// What a single-value container wrote: a 1, then the value.
        @inlinable public mutating func single() throws {
            guard try byte() == 1 else { throw corrupt("a value was expected") }
        }
        /// An enum encoded by its raw string.
        @inlinable public mutating func rawValue<E: RawRepresentable>(_ type: E.Type) throws -> E where E.RawValue == String {
            try single()
            let raw = try string()
            guard let value = E(rawValue: raw) else { throw corrupt("'\(raw)' is no \(E.self)") }
            return value
        }
    }

    /// Decodes a `Codable` value from `Input`, by position (see the top).
    final class Reader: Decoder {
        var input: Input
        var bytes: [UInt8] { input.bytes }
        var offset: Int {
            get { input.at }
            set { input.at = newValue }
        }
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]
        init(_ bytes: [UInt8]) { input = Input(bytes) }

        func corrupt(_ why: String) -> DecodingError { input.corrupt(why) }
        func byte() throws -> UInt8 { try input.byte() }
        func varint() throws -> UInt64 { try input.varint() }
        func int() throws -> Int64 { try input.int64() }
        func string() throws -> String { try input.string() }
        func double() throws -> Double { try input.double() }
        func count() throws -> Int { try input.count() }

        func value<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == String.self { return try string() as! T }
            if T.self == Int.self { return Int(truncatingIfNeeded: try int()) as! T }
            if T.self == Bool.self { return (try byte() != 0) as! T }
            if T.self == Double.self { return try double() as! T }
            // What `Array<String>.init(from:)` reads through an unkeyed container (a count, then
            // each string), without a container per list: an article holds a dozen such lists.
            if T.self == [String].self { return try input.strings() as! T }
            return try T(from: self)
        }
        func present<T: Decodable>(_ type: T.Type) throws -> T? { try input.isPresent() ? try value(type) : nil }
        func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            let v = try int()
            guard let out = T(exactly: v) else { throw corrupt("\(v) out of range for \(T.self)") }
            return out
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(KeyedReader<Key>(r: self))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { UnkeyedReader(r: self, count: try count()) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(r: self) }
    }

    struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let r: Reader
        var codingPath: [any CodingKey] = []
        /// Keys are not stored: a type that asks which are present (a dictionary) was refused when
        /// it was encoded, so nothing written by `encode` reaches this.
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool {
            guard r.offset < r.bytes.count else { throw r.corrupt("truncated") }
            if r.bytes[r.offset] == 0 { r.offset += 1; return true }
            return false
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try r.value(type) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try r.present(type) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try r.present(type) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try r.present(type) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try r.present(type) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try r.present(type) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try r.present(type) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try r.present(type) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try r.present(type) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try r.present(type) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try r.present(type) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try r.present(type) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try r.present(type) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try r.present(type) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try r.present(type) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try r.present(type) }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try r.container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try r.unkeyedContainer() }
        func superDecoder() throws -> any Decoder { r }
        func superDecoder(forKey key: Key) throws -> any Decoder { r }
    }

    struct UnkeyedReader: UnkeyedDecodingContainer {
        let r: Reader
        let total: Int
        var codingPath: [any CodingKey] = []
        var currentIndex = 0
        init(r: Reader, count: Int) { self.r = r; self.total = count }
        var count: Int? { total }
        var isAtEnd: Bool { currentIndex >= total }
        mutating func next() throws {
            guard currentIndex < total else { throw r.corrupt("read past the end of a list") }
            currentIndex += 1
        }
        mutating func decodeNil() throws -> Bool {
            // Peeks: a non-nil element is left for the decode that follows.
            guard currentIndex < total, r.offset < r.bytes.count else { throw r.corrupt("truncated") }
            if r.bytes[r.offset] == 0 { r.offset += 1; currentIndex += 1; return true }
            return false
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(); return try r.value(type) }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next()
            return try r.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next(); return try r.unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { r }
    }

    struct SingleReader: SingleValueDecodingContainer {
        let r: Reader
        var codingPath: [any CodingKey] = []
        func decodeNil() -> Bool {
            guard r.offset < r.bytes.count, r.bytes[r.offset] == 0 else { return false }
            r.offset += 1
            return true
        }
        func start() throws {
            guard try r.byte() == 1 else { throw r.corrupt("a value was expected") }
        }
        func unsigned<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            try start()
            let v = try r.varint()
            guard let out = T(exactly: v) else { throw r.corrupt("\(v) out of range for \(T.self)") }
            return out
        }
        func signed<T: FixedWidthInteger>(_ type: T.Type) throws -> T { try start(); return try r.integer(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try start(); return try r.value(type) }
        func decode(_ type: Bool.Type) throws -> Bool { try start(); return try r.byte() != 0 }
        func decode(_ type: String.Type) throws -> String { try start(); return try r.string() }
        func decode(_ type: Double.Type) throws -> Double { try start(); return try r.double() }
        func decode(_ type: Float.Type) throws -> Float { try start(); return Float(try r.double()) }
        func decode(_ type: Int.Type) throws -> Int { try signed(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try signed(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try signed(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try signed(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try signed(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try unsigned(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try unsigned(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try unsigned(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try unsigned(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try unsigned(type) }
    }
}

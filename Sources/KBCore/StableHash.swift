/// A fast, stable 128-bit content hash (two FNV-1a lanes) for change detection in the build cache.
/// Not cryptographic: it only has to tell "changed" from "unchanged" across runs and machines.
public struct StableHash: Sendable {
    private(set) var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private(set) var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    public mutating func combine<S: Sequence>(bytes: S) where S.Element == UInt8 {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte ^ 0x5c)) &* Self.prime
        }
    }

    /// The same, for contiguous bytes: a generic `Sequence` called from another module is not
    /// specialized and walks its iterator through witness tables, byte by byte.
    public mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var a = self.a, b = self.b
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte ^ 0x5c)) &* Self.prime
        }
        self.a = a
        self.b = b
    }

    public mutating func combine(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { combine(bytes: $0) }
    }

    public mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(bytes: $0) }
        // A separator so ("ab","c") and ("a","bc") differ.
        combine(bytes: [0xff])
    }

    public var hex: String {
        func h(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return h(a) + h(b)
    }

    public static func of(_ string: String) -> String {
        var h = StableHash()
        h.combine(string)
        return h.hex
    }

    public static func of(bytes: [UInt8]) -> String {
        var h = StableHash()
        h.combine(bytes: bytes)
        return h.hex
    }

    public static func of<S: Sequence>(bytes: S) -> String where S.Element == UInt8 {
        var h = StableHash()
        h.combine(bytes: bytes)
        return h.hex
    }
}

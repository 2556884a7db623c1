import Foundation

extension timeval {
    /// The interval in seconds (`getrusage`'s CPU times).
    public var seconds: Double { Double(tv_sec) + Double(tv_usec) / 1e6 }
}

import Foundation

/// An OAuth access token and when it stops working. Its description never shows the token.
public struct GoogleAccessToken: Sendable, CustomStringConvertible {
    public let value: String
    public let expiresAt: Date

    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "access token (expires \(expiresAt))" }
}

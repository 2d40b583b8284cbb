/// How far an upload has got, for a progress display.
public struct SavedModelUploadProgress: Sendable {
    public var file: String
    public var fileBytes: Int64
    public var fileSize: Int64
    public var doneBytes: Int64
    public var totalBytes: Int64
    public var fileFinished: Bool
}

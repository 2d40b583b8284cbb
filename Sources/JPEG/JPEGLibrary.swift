import CJPEGShim

/// The libjpeg linked at run time.
public enum JPEGLibrary {
    /// `6b (libjpeg-turbo)`: the API level libjpeg reports, and the implementation its copyright line names.
    public static var version: String {
        let level = String(cString: jpegshim_library_version()).split(separator: " ").first.map(String.init) ?? "?"
        let copyright = String(cString: jpegshim_library_copyright())
        return copyright.contains("libjpeg-turbo") ? "\(level) (libjpeg-turbo)" : level
    }
}

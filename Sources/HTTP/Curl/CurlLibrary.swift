import CCurl

/// The libcurl linked at run time.
public enum CurlLibrary {
    /// `7.88.1`, from `curl_version()` ("libcurl/7.88.1 OpenSSL/3.0.11 …").
    public static var version: String {
        let text = String(cString: curl_version())
        let first = text.split(separator: " ").first ?? Substring(text)
        return String(first.split(separator: "/").last ?? first)
    }
}

/// Kubernetes resource quantities for one container.
public struct ResourceSettings: Sendable, Equatable {
    public var cpuRequest: String
    public var memoryRequest: String
    public var cpuLimit: String
    public var memoryLimit: String

    public init(cpuRequest: String, memoryRequest: String, cpuLimit: String, memoryLimit: String) {
        self.cpuRequest = cpuRequest
        self.memoryRequest = memoryRequest
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
    }

    init(_ reader: ConfigReader, defaults: ResourceSettings) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(["requests", "limits"])
        let requests = try reader.child("requests")
        let limits = try reader.child("limits")
        try requests.rejectUnknownKeys(["cpu", "memory"])
        try limits.rejectUnknownKeys(["cpu", "memory"])
        cpuRequest = try requests.string("cpu", default: defaults.cpuRequest)
        memoryRequest = try requests.string("memory", default: defaults.memoryRequest)
        cpuLimit = try limits.string("cpu", default: defaults.cpuLimit)
        memoryLimit = try limits.string("memory", default: defaults.memoryLimit)
        for (key, request, limit) in [("cpu", cpuRequest, cpuLimit), ("memory", memoryRequest, memoryLimit)] {
            guard let requested = ResourceQuantity(request) else { throw requests.error(key, Self.notAQuantity(request)) }
            guard let limited = ResourceQuantity(limit) else { throw limits.error(key, Self.notAQuantity(limit)) }
            guard limited >= requested else {
                throw limits.error(key, "the limit \(limit) is below the request \(request); raise it or lower requests.\(key)")
            }
        }
    }

    private static func notAQuantity(_ text: String) -> String {
        "'\(text)' is not a Kubernetes quantity (write it like 500m, 1, 256Mi or 1Gi)"
    }
}

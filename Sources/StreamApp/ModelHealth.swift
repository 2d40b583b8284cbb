import Failure
import ModelServing
import PipelineMessages

/// The stream app's failure policy: whether model failures are this image's (retry a bounded number of times,
/// then dead-letter) or everyone's (systemic: pause, keep retrying, never dead-letter), decided from the
/// classified `ModelServingError`s and from what happens to other requests meanwhile.
///
/// Systemic when a failure is classified so (credentials, model not found, unreachable), when the status check
/// fails, when retriable failures hit `threshold` different requests within `window` with no success in between
/// (the circuit breaker), or when one request ran out of attempts while nothing else succeeded (an outage seen
/// through a single request is no evidence against its image). A successful prediction ends it; so does a
/// successful status check when the status check (or nothing in flight) was the evidence.
struct ModelHealth {
    enum Source: Equatable {
        case predictions
        case statusCheck
    }

    struct Systemic: Equatable {
        let reason: String
        let source: Source
    }

    /// What changed, for the caller to log once.
    enum Change: Equatable {
        case none
        case becameSystemic(String)
        case recovered
    }

    let threshold: Int
    let window: Duration
    /// The served model, once the status check or a prediction named it.
    private(set) var model: PredictionMessage.Model?
    private(set) var systemic: Systemic?
    private(set) var lastSuccess: ContinuousClock.Instant?
    /// Requests whose latest call failed retriably, by key, with when.
    private var failing: [String: ContinuousClock.Instant] = [:]

    init(threshold: Int, window: Duration) {
        self.threshold = threshold
        self.window = window
    }

    var isSystemic: Bool { systemic != nil }

    mutating func predicted(model: PredictionMessage.Model, at now: ContinuousClock.Instant) -> Change {
        self.model = model
        lastSuccess = now
        failing.removeAll()
        return recover()
    }

    /// Records a failed model call of the request `key`; returns whether that made the failure systemic.
    mutating func failed(_ error: ModelServingError, key: String, at now: ContinuousClock.Instant) -> Change {
        switch error.failureKind {
        case .permanent:
            return .none
        case .systemic:
            return open(error.description, source: .predictions)
        case .retriable:
            failing[key] = now
            failing = failing.filter { now - $0.value <= window }
            guard failing.count >= threshold else { return .none }
            return open("\(failing.count) requests failed within \(window) and none succeeded: \(error)", source: .predictions)
        }
    }

    /// Whether another request succeeded since `since`: the evidence that a failing image, not the model, is at
    /// fault.
    func othersSucceeded(since: ContinuousClock.Instant) -> Bool {
        lastSuccess.map { $0 > since } ?? false
    }

    /// A request ran out of attempts with no other success meanwhile.
    mutating func exhaustedWithoutEvidence(_ error: ModelServingError, attempts: Int) -> Change {
        open("\(attempts) attempts failed and no other prediction succeeded meanwhile: \(error)", source: .predictions)
    }

    mutating func statusChecked(
        _ result: Result<PredictionMessage.Model, ModelServingError>, predictionsInFlight: Int
    ) -> Change {
        switch result {
        case .success(let served):
            model = served
            guard let systemic, systemic.source == .statusCheck || predictionsInFlight == 0 else { return .none }
            return recover()
        case .failure(let error):
            return open("status check: \(error)", source: .statusCheck)
        }
    }

    private mutating func open(_ reason: String, source: Source) -> Change {
        guard systemic == nil else { return .none }
        systemic = Systemic(reason: reason, source: source)
        return .becameSystemic(reason)
    }

    private mutating func recover() -> Change {
        guard systemic != nil else { return .none }
        systemic = nil
        return .recovered
    }
}

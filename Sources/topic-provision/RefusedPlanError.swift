/// A plan that cannot be applied; the plan printed above says why.
struct RefusedPlanError: Error, CustomStringConvertible {
    let count: Int

    var description: String {
        "\(count) refused \(count == 1 ? "change" : "changes") (marked ! above): apply would change nothing until the declaration is fixed"
    }
}

import Foundation

/// The target a fuzz executable runs, named by `$FUZZ_TARGET`; anything else stops it with the list of names.
public func chosenFuzzTarget<Target: RawRepresentable & CaseIterable>(_ type: Target.Type) -> Target
where Target.RawValue == String {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    guard let target = Target(rawValue: name) else {
        let names = Target.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("Set FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(64)
    }
    return target
}

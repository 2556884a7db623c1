import Testing
@testable import VQLCore

struct CoreMeasurementsTests {
    @Test func aPinnedThreadRunsOnItsCPUAndGetsItsCPUsBack() throws {
        let cpus = CoreMeasurements.allowedCPUs
        #expect(!cpus.isEmpty && cpus == cpus.sorted())
        for cpu in cpus.prefix(4) {
            #expect(CoreMeasurements.onCPU(cpu) { CoreMeasurements.currentCPU } == cpu)
        }
        #expect(CoreMeasurements.allowedCPUs == cpus)
        // a CPU the thread may not use: nil, and the body does not run
        var ran = false
        #expect(CoreMeasurements.onCPU(100_000) { ran = true } == nil)
        #expect(!ran)
    }

    @Test func aRoundTripNeedsTwoAllowedCPUs() throws {
        let cpus = CoreMeasurements.allowedCPUs
        #expect(CoreMeasurements.cacheLineRoundTrip(between: cpus[0], and: cpus[0], iterations: 10) == nil)
        #expect(CoreMeasurements.cacheLineRoundTrip(between: cpus[0], and: 100_000, iterations: 10) == nil)
        guard cpus.count >= 2 else { return }
        // between 1 ns (faster than any cache) and 10 ms (every trip waiting out the time
        // slices of other tests running on those CPUs)
        let ns = try #require(CoreMeasurements.cacheLineRoundTrip(between: cpus[0], and: cpus[1], iterations: 1_000))
        #expect(ns > 1 && ns < 1e7)
        #expect(CoreMeasurements.allowedCPUs == cpus)
    }
}

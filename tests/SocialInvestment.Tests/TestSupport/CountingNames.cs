using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Tests.TestSupport;

/// <summary>
/// The counting conventions by the names the test cases use. The core reads no text (the grammar of
/// convention names is the scenario layer's ScenarioConventions, tested there); this is only a
/// lookup table for parameterised tests.
/// </summary>
internal static class CountingNames
{
    public static CycleWeights Of(string name) => name switch
    {
        "beginning" => CycleWeights.Beginning,
        "end" => CycleWeights.End,
        "all-points" => CycleWeights.AllPoints,
        "half-cycle" or "trapezoid" => CycleWeights.HalfCycle,
        "life-table" => CycleWeights.LifeTable,
        "simpson-darth" => CycleWeights.SimpsonDarth,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a counting convention of the tests."),
    };
}

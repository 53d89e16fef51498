using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The one place where the units of the scenario files become the units of the core. Files give
/// every recurring amount (flows in a state, per-cycle intervention costs) per person-year and in the
/// price year of their row; the core books amounts per person-cycle in the scenario's price year. So
/// a recurring amount is multiplied by the cycle length in years, and an amount in another price year
/// by <c>index[scenario year] / index[row year]</c> (<see cref="PriceIndexing"/>, the formula the
/// compiler also uses for flows). Amounts per event (transition flows) and per participant (upfront
/// costs) are not scaled by the cycle length.
/// </summary>
internal static class FileUnits
{
    /// <summary>An amount per person-year as an amount per person-cycle: <c>amount × cycleLengthYears</c>.</summary>
    /// <param name="perPersonYear">The amount per person-year.</param>
    /// <param name="cycleLengthYears">Years per cycle.</param>
    public static double PerCycle(double perPersonYear, double cycleLengthYears) => perPersonYear * cycleLengthYears;

    /// <summary>A quantity per person-year (a constant or a parameter) as one per person-cycle.</summary>
    /// <param name="perPersonYear">The quantity per person-year.</param>
    /// <param name="cycleLengthYears">Years per cycle.</param>
    public static Quantity PerCycle(Quantity perPersonYear, double cycleLengthYears) => perPersonYear.Times(cycleLengthYears);
}

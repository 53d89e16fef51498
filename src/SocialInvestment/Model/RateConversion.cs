namespace SocialInvestment.Model;

/// <summary>
/// Explicit conversions between rates (hazards) and probabilities, and between cycle lengths.
/// The library never converts silently; these are the formulas it uses.
/// </summary>
public static class RateConversion
{
    /// <summary>Probability of at least one event in <paramref name="years"/> under a constant annual rate: <c>p = 1 − exp(−rate·years)</c>.</summary>
    /// <param name="rate">Annual rate (hazard), ≥ 0.</param>
    /// <param name="years">Length of the period in years (default one year).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or not finite, or the period is not positive.</exception>
    public static double ToProbability(double rate, double years = 1.0)
    {
        Guard.NonNegativeFinite(rate);
        Guard.Positive(years);
        return -Numerics.ExpM1(-rate * years);
    }

    /// <summary>Annual rate implied by a probability over a period: <c>rate = −ln(1 − p)/years</c>.</summary>
    /// <param name="probability">Probability in [0, 1).</param>
    /// <param name="years">Length of the period in years (default one year).</param>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1) or the period is not positive.</exception>
    public static double ToRate(double probability, double years = 1.0)
    {
        Guard.Probability(probability);
        if (probability >= 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability of 1 corresponds to an infinite rate.");
        }

        Guard.Positive(years);
        return -Numerics.Log1P(-probability) / years;
    }

    /// <summary>
    /// Rescales a probability from one period length to another under a constant hazard:
    /// <c>p' = 1 − (1 − p)^(to/from)</c>.
    /// </summary>
    /// <param name="probability">Probability over <paramref name="fromYears"/>.</param>
    /// <param name="fromYears">The period the probability refers to.</param>
    /// <param name="toYears">The period wanted.</param>
    public static double RescaleProbability(double probability, double fromYears, double toYears)
    {
        Guard.Probability(probability);
        Guard.Positive(fromYears);
        Guard.Positive(toYears);
        return -Numerics.ExpM1(Numerics.Log1P(-probability) * (toYears / fromYears));
    }

    /// <summary>
    /// Applies a hazard ratio to a probability under proportional hazards: <c>p' = 1 − (1 − p)^hr</c>.
    /// </summary>
    /// <param name="probability">Baseline probability in [0, 1].</param>
    /// <param name="hazardRatio">Hazard ratio, ≥ 0.</param>
    public static double ApplyHazardRatio(double probability, double hazardRatio)
    {
        Guard.Probability(probability);
        Guard.NonNegativeFinite(hazardRatio);
        if (probability >= 1.0)
        {
            return hazardRatio == 0 ? 0 : 1;
        }

        return -Numerics.ExpM1(Numerics.Log1P(-probability) * hazardRatio);
    }

    /// <summary>Applies an odds ratio to a probability: <c>odds' = or·p/(1 − p)</c>, <c>p' = odds'/(1 + odds')</c>.</summary>
    /// <param name="probability">Baseline probability in [0, 1].</param>
    /// <param name="oddsRatio">Odds ratio, ≥ 0.</param>
    public static double ApplyOddsRatio(double probability, double oddsRatio)
    {
        Guard.Probability(probability);
        Guard.NonNegativeFinite(oddsRatio);
        if (probability >= 1.0)
        {
            return oddsRatio == 0 ? 0 : 1;
        }

        var odds = oddsRatio * probability / (1 - probability);
        return odds / (1 + odds);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// The text grammar of the conventions a scenario names: counting conventions and discount
/// presets, as written in scenario.json and on the socinv command line. The one parser of these
/// names (the core takes typed values only: a <see cref="CycleWeights"/>, a <see cref="DiscountSchedule"/>),
/// with the file format's defaults.
/// </summary>
public static class ScenarioConventions
{
    /// <summary>
    /// The counting convention of a scenario that names none: <c>half-cycle</c>
    /// (<see cref="CycleWeights.HalfCycle"/>). Differs on purpose from the code default
    /// (<see cref="SimulationOptions.StateWeights"/> = <see cref="CycleWeights.Beginning"/>): a scenario
    /// file describes a model for appraisal, where the half-cycle correction is the usual choice, while
    /// a model built in code keeps the plain beginning-of-cycle count its published reference values
    /// were computed with. See docs/validation-problems.md.
    /// </summary>
    public const string DefaultCounting = "half-cycle";

    /// <summary>The discount preset of a scenario that names none: <c>norway</c> (<see cref="DiscountSchedule.Norway2021"/>, R-109/2021), the same as the code default.</summary>
    public const string DefaultDiscounting = "norway";

    /// <summary>The counting names understood, for messages.</summary>
    public const string KnownCounting = "beginning, end, all-points, half-cycle (trapezoid), life-table, simpson-darth";

    /// <summary>The discount presets understood, for messages.</summary>
    public const string KnownDiscounting = "none, norway, uk, denmark, denmark2013, constant:RATE";

    /// <summary>
    /// Reads a counting convention by name (case-insensitive, surrounding blanks ignored): beginning,
    /// end, all-points, half-cycle (also halfcycle, trapezoid, trapezoid-discounted), life-table
    /// (heemod's), simpson-darth (also simpson).
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="weights">The convention, when known.</param>
    /// <param name="problem">Why the name is not one, when it is not.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParseCounting(string? name, [NotNullWhen(true)] out CycleWeights? weights, [NotNullWhen(false)] out string? problem)
    {
        weights = name?.Trim().ToUpperInvariant() switch
        {
            "BEGINNING" => CycleWeights.Beginning,
            "END" => CycleWeights.End,
            "ALL-POINTS" or "ALLPOINTS" => CycleWeights.AllPoints,
            "HALF-CYCLE" or "HALFCYCLE" or "TRAPEZOID" or "TRAPEZOID-DISCOUNTED" => CycleWeights.HalfCycle,
            "LIFE-TABLE" or "LIFETABLE" => CycleWeights.LifeTable,
            "SIMPSON-DARTH" or "SIMPSON" => CycleWeights.SimpsonDarth,
            _ => null,
        };
        problem = weights is null ? $"Unknown counting convention '{name}'. Known: {KnownCounting}." : null;
        return weights is not null;
    }

    /// <summary>
    /// Reads a discount preset by name (case-insensitive): none, norway (also norway2021, r-109, r109;
    /// R-109/2021), uk (also greenbook, uk-greenbook; the Green Book), denmark (also denmark2021),
    /// denmark2013, or <c>constant:RATE</c> with an invariant-culture number (for example <c>constant:0.03</c>).
    /// </summary>
    /// <param name="name">The preset.</param>
    /// <param name="schedule">The schedule, when known.</param>
    /// <param name="problem">Why the text is not a preset, when it is not.</param>
    /// <returns>Whether the preset is known.</returns>
    public static bool TryParseDiscounting(string? name, [NotNullWhen(true)] out DiscountSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        schedule = null;
        problem = null;
        var key = name?.Trim().ToUpperInvariant() ?? string.Empty;
        if (key.StartsWith("CONSTANT:", StringComparison.Ordinal)
            && double.TryParse(key.AsSpan(9), NumberStyles.Float, CultureInfo.InvariantCulture, out var r))
        {
            // Checked with the core's own rule first, so the core is never asked to throw for file input.
            problem = DiscountSchedule.RateProblem(r, Compounding.Discrete, 1);
            if (problem is null)
            {
                schedule = DiscountSchedule.Constant(r);
            }

            return schedule is not null;
        }

        schedule = key switch
        {
            "NONE" => DiscountSchedule.None,
            "NORWAY" or "NORWAY2021" or "R-109" or "R109" => DiscountSchedule.Norway2021,
            "UK" or "GREENBOOK" or "UK-GREENBOOK" => DiscountSchedule.UkGreenBook,
            "DENMARK" or "DENMARK2021" => DiscountSchedule.Denmark2021,
            "DENMARK2013" => DiscountSchedule.Denmark2013,
            _ => null,
        };
        problem = schedule is null ? $"Unknown discount preset '{name}'. Known: {KnownDiscounting}." : null;
        return schedule is not null;
    }

    /// <summary>Reads a counting convention by name (see <see cref="TryParseCounting"/>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The convention.</returns>
    /// <exception cref="ArgumentException">The name is not a known convention; the message lists the known ones.</exception>
    public static CycleWeights ParseCounting(string name)
        => TryParseCounting(name, out var w, out var problem) ? w : throw new ArgumentException(problem, nameof(name));

    /// <summary>Reads a discount preset (see <see cref="TryParseDiscounting"/>).</summary>
    /// <param name="name">The preset.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentException">The text is not a known preset; the message lists the known ones.</exception>
    public static DiscountSchedule ParseDiscounting(string name)
        => TryParseDiscounting(name, out var s, out var problem) ? s : throw new ArgumentException(problem, nameof(name));
}

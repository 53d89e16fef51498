namespace SocialInvestment.Model;

/// <summary>One start age × treatment pattern of a compiled model.</summary>
internal sealed class Subcohort
{
    public required double StartAge { get; init; }

    public required int TreatmentMask { get; init; }

    /// <summary>Initial occupancy over expanded states, already scaled by the population size.</summary>
    public required double[] Initial { get; init; }

    /// <summary>Transition probabilities, [cycle][from][to], T·N·N.</summary>
    public required double[] P { get; init; }

    /// <summary>Occupancy flows per person-cycle, [t][state][ledger], (T+1)·N·L.</summary>
    public required double[] StateFlows { get; init; }

    /// <summary>Occupancy outcomes per person-cycle, [t][state][outcome], (T+1)·N·O.</summary>
    public required double[] StateOutcomes { get; init; }

    /// <summary>Transition-event flow entries: from, to (expanded) and ledger cell.</summary>
    public required int[] EventFrom { get; init; }

    public required int[] EventTo { get; init; }

    public required int[] EventLedger { get; init; }

    /// <summary>Event amounts per person, [cycle][entry], T·E.</summary>
    public required double[] EventAmounts { get; init; }

    public required int[] OutcomeEventFrom { get; init; }

    public required int[] OutcomeEventTo { get; init; }

    public required int[] OutcomeEventIndex { get; init; }

    /// <summary>Event outcome values per person, [cycle][entry].</summary>
    public required double[] OutcomeEventValues { get; init; }

    /// <summary>Upfront intervention costs for the whole sub-cohort, per ledger cell, at t = 0.</summary>
    public required double[] Upfront { get; init; }

    /// <summary>A deep copy of the value arrays (the index arrays are shared).</summary>
    public Subcohort Clone() => new()
    {
        StartAge = StartAge,
        TreatmentMask = TreatmentMask,
        Initial = (double[])Initial.Clone(),
        P = (double[])P.Clone(),
        StateFlows = (double[])StateFlows.Clone(),
        StateOutcomes = (double[])StateOutcomes.Clone(),
        EventFrom = EventFrom,
        EventTo = EventTo,
        EventLedger = EventLedger,
        EventAmounts = (double[])EventAmounts.Clone(),
        OutcomeEventFrom = OutcomeEventFrom,
        OutcomeEventTo = OutcomeEventTo,
        OutcomeEventIndex = OutcomeEventIndex,
        OutcomeEventValues = (double[])OutcomeEventValues.Clone(),
        Upfront = (double[])Upfront.Clone(),
    };
}

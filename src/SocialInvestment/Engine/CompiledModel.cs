using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// A model compiled for one strategy and one parameter set: dense arrays of transition
/// probabilities, flows and outcomes per cycle, one block per sub-cohort (start age × treatment
/// pattern). Immutable and thread-safe; the engines only read it.
/// </summary>
public sealed class CompiledModel
{
    internal CompiledModel(LifeCourseModel model, Strategy strategy, ParameterValues parameters, int cycles, int baseStates, int[] baseOf, int[] timeInStateOf, int accounts, int outcomes, double[] stateWeights, double[]? previousWeights, double[] eventWeights, double[] costDf, double[] outcomeDf, Subcohort[] subcohorts)
    {
        Model = model;
        Strategy = strategy;
        Parameters = parameters;
        Cycles = cycles;
        BaseStateCount = baseStates;
        BaseOf = baseOf;
        TimeInStateOf = timeInStateOf;
        AccountCount = accounts;
        OutcomeCount = outcomes;
        StateWeights = stateWeights;
        PreviousWeights = previousWeights;
        EventWeights = eventWeights;
        CostDiscountFactors = costDf;
        OutcomeDiscountFactors = outcomeDf;
        Subcohorts = subcohorts;
    }

    /// <summary>The model.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>The strategy compiled.</summary>
    public Strategy Strategy { get; }

    /// <summary>The parameter values compiled.</summary>
    public ParameterValues Parameters { get; }

    /// <summary>Horizon T in cycles.</summary>
    public int Cycles { get; }

    /// <summary>Number of model states (before tunnel expansion).</summary>
    public int BaseStateCount { get; }

    /// <summary>Number of states after tunnel expansion.</summary>
    public int ExpandedStateCount => BaseOf.Length;

    /// <summary>Number of sub-cohorts (start age × treatment pattern).</summary>
    public int SubcohortCount => Subcohorts.Length;

    /// <summary>Number of accounts (the ledger has twice as many cells: base flows and intervention flows).</summary>
    public int AccountCount { get; }

    /// <summary>Number of outcomes.</summary>
    public int OutcomeCount { get; }

    internal int LedgerCount => 2 * AccountCount;

    internal int[] BaseOf { get; }

    internal int[] TimeInStateOf { get; }

    /// <summary>Weight l_t of the occupancy at t, booked in row t with the values of t.</summary>
    internal double[] StateWeights { get; }

    /// <summary>Weight r_t of the occupancy at t booked in row t − 1 with the values of t − 1 (per-cycle conventions); null when none.</summary>
    internal double[]? PreviousWeights { get; }

    internal double[] EventWeights { get; }

    internal double[] CostDiscountFactors { get; }

    internal double[] OutcomeDiscountFactors { get; }

    internal Subcohort[] Subcohorts { get; }

    /// <summary>Per expanded state x, the destinations y with a structurally non-zero <c>P[x, y]</c> (every other entry is exactly 0 in every cycle and sub-cohort), ascending.</summary>
    internal int[][] Columns { get; init; } = [];

    /// <summary>Per expanded state x, the ledger cells with a structurally non-zero occupancy flow, ascending.</summary>
    internal int[][] Cells { get; init; } = [];

    /// <summary>A copy whose sub-cohort arrays may be overwritten (a PSA worker's compiled model, updated per draw).</summary>
    internal CompiledModel CloneForUpdate()
        => new(Model, Strategy, Parameters, Cycles, BaseStateCount, BaseOf, TimeInStateOf, AccountCount, OutcomeCount, StateWeights, PreviousWeights, EventWeights, CostDiscountFactors, OutcomeDiscountFactors, [.. Subcohorts.Select(s => s.Clone())])
        {
            Columns = Columns,
            Cells = Cells,
        };

    private System.Runtime.CompilerServices.StrongBox<ContentHash>? _contentHash;

    /// <summary>
    /// SHA-256 over the canonical byte form of everything the engines read from this compiled
    /// model: the names of the model, the strategy, the states, accounts (payer, public flag,
    /// parent, sector, kind) and outcomes; the parameter values; and every compiled table (weights,
    /// discount factors, and per sub-cohort the start age, treatment pattern, initial occupancy,
    /// transition probabilities, flows, outcomes, event tables and upfront costs), doubles by their
    /// IEEE 754 bits. Two compiled models with the same hash give bit-identical results in every
    /// engine, whichever process or machine compiled them and however the model was built (user
    /// functions are evaluated at compile time, so only their values enter). Computed on first use
    /// (one pass over the tables), then cached; thread-safe.
    /// </summary>
    public ContentHash ContentHash
    {
        get
        {
            // A box published once: readers never see a half-written 32-byte value.
            var box = Volatile.Read(ref _contentHash);
            if (box is null)
            {
                Interlocked.CompareExchange(ref _contentHash, new System.Runtime.CompilerServices.StrongBox<ContentHash>(ComputeHash()), null);
                box = _contentHash!;
            }

            return box.Value;
        }
    }

    private ContentHash ComputeHash()
    {
        using var h = new ContentHasher();
        h.Tag("socinv.compiled-model/1").Add(Model.Name).Add(Strategy.Name);
        h.Tag("states").Add(Model.States.Count);
        foreach (var s in Model.States)
        {
            h.Add(s.Name);
        }

        h.Tag("accounts").Add(Model.Accounts.Count);
        foreach (var a in Model.Accounts)
        {
            h.Add(a.Payer.Name).Add(a.Payer.IsPublic).Add(a.Payer.Parent).Add(a.Sector.Name).Add((int)a.Kind);
        }

        h.Tag("outcomes").Add(Model.Outcomes.Count);
        foreach (var o in Model.Outcomes)
        {
            h.Add(o.Name);
        }

        h.Tag("parameters").Add(Parameters.AsSpan());
        h.Tag("shape").Add(Cycles).Add(BaseStateCount).Add(BaseOf).Add(TimeInStateOf).Add(AccountCount).Add(OutcomeCount);
        h.Tag("weights").Add(StateWeights).Add(PreviousWeights is not null).Add(PreviousWeights ?? []).Add(EventWeights);
        h.Tag("discount").Add(CostDiscountFactors).Add(OutcomeDiscountFactors);
        h.Tag("subcohorts").Add(Subcohorts.Length);
        foreach (var sc in Subcohorts)
        {
            h.Add(sc.StartAge).Add(sc.TreatmentMask).Add(sc.Initial).Add(sc.P).Add(sc.StateFlows).Add(sc.StateOutcomes)
                .Add(sc.EventFrom).Add(sc.EventTo).Add(sc.EventLedger).Add(sc.EventAmounts)
                .Add(sc.OutcomeEventFrom).Add(sc.OutcomeEventTo).Add(sc.OutcomeEventIndex).Add(sc.OutcomeEventValues).Add(sc.Upfront);
        }

        return h.Finish();
    }

    /// <summary>
    /// The per-cycle transition matrix of a sub-cohort, expanded states, row-major (a copy;
    /// for inspection and tests).
    /// </summary>
    /// <param name="subcohort">Sub-cohort index.</param>
    /// <param name="cycle">Cycle 0..T−1.</param>
    internal double[,] TransitionMatrix(int subcohort, int cycle)
    {
        var sc = Subcohorts[subcohort];
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cycle, Cycles);
        var n = ExpandedStateCount;
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = sc.P[(cycle * n * n) + (i * n) + j];
            }
        }

        return m;
    }
}

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.IO;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>The household microsimulation of one household type (a template) on its own.</summary>
/// <param name="Type">The template's name.</param>
/// <param name="Share">Its weight among the templates (the weights normalised to sum to 1).</param>
/// <param name="Comparison">Its results: every strategy on households of this type only.</param>
public sealed record HouseholdTypeResult(string Type, double Share, HouseholdComparison Comparison);

/// <summary>
/// Computes one household comparison for <see cref="HouseholdAppraisal.Run(HouseholdScenario, Scenario, HouseholdOptions, HouseholdComparisonRunner)"/>.
/// </summary>
/// <param name="householdType">Null for every household; otherwise the template name of the household type to run alone (<see cref="HouseholdDefinition.ForType"/>).</param>
/// <param name="options">The options to run with (perspectives included).</param>
/// <returns>The comparison, the comparator first.</returns>
public delegate HouseholdComparison HouseholdComparisonRunner(string? householdType, HouseholdOptions options);

/// <summary>
/// A scenario's households run and summarised for the CLI, the report and notebooks: every
/// household strategy on the same households (common random numbers), and each household type
/// (template) on its own for the results by type. Per-household figures are means over the
/// simulated households; totals stand for <see cref="HouseholdDefinition.Size"/> households.
/// </summary>
public sealed class HouseholdAppraisal
{
    private HouseholdAppraisal(HouseholdScenario households, Scenario scenario, HouseholdComparison all, IReadOnlyList<HouseholdTypeResult> byType, IReadOnlyList<Perspective> perspectives, HouseholdOptions options)
    {
        Households = households;
        Scenario = scenario;
        All = all;
        ByType = byType;
        Perspectives = perspectives;
        Options = options;
    }

    /// <summary>The household tables.</summary>
    public HouseholdScenario Households { get; }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>Every household (all types together).</summary>
    public HouseholdComparison All { get; }

    /// <summary>Each household type on its own (empty for a register: each household is its own type).</summary>
    public IReadOnlyList<HouseholdTypeResult> ByType { get; }

    /// <summary>The perspectives estimated: the scenario's, with the family's (<see cref="HouseholdDefinition.FamilyPerspective"/>) added when missing.</summary>
    public IReadOnlyList<Perspective> Perspectives { get; }

    /// <summary>The options the households were simulated with.</summary>
    public HouseholdOptions Options { get; }

    /// <summary>The family's perspective.</summary>
    public Perspective Family => Households.Definition.FamilyPerspective;

    /// <summary>Runs every household strategy and each household type in this process.</summary>
    /// <param name="households">The household tables.</param>
    /// <param name="scenario">The scenario (its perspectives).</param>
    /// <param name="options">Households, seed, threads (the perspectives are set here).</param>
    /// <param name="progress">Receives a report per finished block of the run over every household.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static HouseholdAppraisal Run(HouseholdScenario households, Scenario scenario, HouseholdOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(households);
        var d = households.Definition;
        return Run(households, scenario, options, (type, o) => HouseholdEngine.RunAll(type is null ? d : d.ForType(type), o, null, null, type is null ? progress : null, cancellationToken));
    }

    /// <summary>
    /// Runs every household strategy and each household type through <paramref name="run"/>, which
    /// computes one comparison: <c>run(null, options)</c> every household, <c>run(type, options)</c>
    /// the household type alone (<see cref="HouseholdDefinition.ForType"/>). A host passes its own
    /// runner to compute them elsewhere, for example on a cluster; the options it receives carry the
    /// perspectives (the scenario's and the family's), which it must use for the results to be the
    /// local run's.
    /// </summary>
    /// <param name="households">The household tables.</param>
    /// <param name="scenario">The scenario (its perspectives).</param>
    /// <param name="options">Households, seed, threads (the perspectives are set here).</param>
    /// <param name="run">Computes one comparison (the comparator first, as <see cref="HouseholdEngine.RunAll"/> gives it).</param>
    public static HouseholdAppraisal Run(HouseholdScenario households, Scenario scenario, HouseholdOptions options, HouseholdComparisonRunner run)
    {
        ArgumentNullException.ThrowIfNull(households);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var d = households.Definition;
        var perspectives = scenario.Perspectives().ToList();
        if (!perspectives.Contains(d.FamilyPerspective))
        {
            perspectives.Add(d.FamilyPerspective);
        }

        options = options with { Perspectives = perspectives };
        var all = run(null, options);
        var byType = new List<HouseholdTypeResult>();
        if (!d.FromRegister && d.Templates.Count > 1)
        {
            var total = d.Templates.Sum(t => t.Weight);
            foreach (var t in d.Templates)
            {
                var share = t.Weight / total;
                if (share > 0)
                {
                    byType.Add(new HouseholdTypeResult(t.Name, share, run(t.Name, options)));
                }
            }
        }

        return new HouseholdAppraisal(households, scenario, all, byType, perspectives, options);
    }

    /// <summary>PV per household of what the family puts into the household interventions (its time; intervention costs booked to the family payer), + = the family puts in (a named magnitude).</summary>
    /// <param name="result">A strategy's result.</param>
    public double FamilyInvestedPerHousehold(HouseholdResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var totals = result.Totals;
        var sum = 0.0;
        for (var a = 0; a < totals.Accounts.Count; a++)
        {
            if (totals.Accounts[a].Payer == Households.Definition.FamilyPayer)
            {
                sum += totals.TotalFlow(a, FlowOrigin.Intervention, discounted: true);
            }
        }

        return sum / Households.Definition.Size;
    }

    /// <summary>Mean number of members of any role in one of <paramref name="states"/> per household at trace point <paramref name="cycle"/>.</summary>
    /// <param name="result">A strategy's result.</param>
    /// <param name="cycle">Trace point 0..T.</param>
    /// <param name="states">The states.</param>
    /// <param name="role">One role, or null for every role.</param>
    public double MembersIn(HouseholdResult result, int cycle, IEnumerable<string> states, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(states);
        var list = states.ToList();
        return Households.Definition.Roles.Where(r => role is null || r.Name == role).Sum(r => list.Sum(s => result.MembersInState(cycle, r.Name, s)));
    }

    /// <summary>The conventional file names of <see cref="WriteResults"/>.</summary>
    public static IReadOnlyList<string> ResultFileNames { get; } = ["household_results.csv", "household_outcomes.csv", "household_ever.csv", "household_bill.csv", "household_uptake.csv", "household_summary.json"];

    /// <summary>
    /// Writes the results into a folder (atomically per file, invariant culture, round-trip numbers):
    /// <c>household_results.csv</c> (strategy, household_type, share, perspective, net_position_per_household and its se,
    /// change_per_household against the comparator and its se, total_change for the households the totals stand for;
    /// + = better off), <c>household_outcomes.csv</c> (strategy, year, role, state, members_per_household),
    /// <c>household_ever.csv</c> (strategy, role, state, share_of_households ever in the state, se),
    /// <c>household_bill.csv</c> (the whole bill: strategy, year, payer, sector, kind, origin, amount_per_household —
    /// undiscounted, weighted by the counting convention, + = the payer pays, a named magnitude like "invested"),
    /// <c>household_uptake.csv</c> and <c>household_summary.json</c>.
    /// </summary>
    /// <param name="directory">The folder (must exist).</param>
    public void WriteResults(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var d = Households.Definition;
        var results = new List<string?[]>();
        void Add(string type, double share, HouseholdComparison c)
        {
            for (var k = 0; k < c.Results.Count; k++)
            {
                var r = c.Results[k];
                foreach (var p in Perspectives)
                {
                    var net = r.NetPositionPerHousehold(p);
                    MonteCarloEstimate? change = k == 0 ? null : c.IncrementalCost(k, p);
                    results.Add([r.Strategy.Name, type, N(share), p.Name, N(net.Mean), N(net.StandardError), change is not { } ch ? null : N(-ch.Mean), change is not { } ch2 ? null : N(ch2.StandardError), change is not { } ch3 ? null : N(-ch3.Mean * d.Size * share), c.Households.ToString(CultureInfo.InvariantCulture)]);
                }
            }
        }

        Add("all", 1, All);
        foreach (var t in ByType)
        {
            Add(t.Type, t.Share, t.Comparison);
        }

        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[0]), ["strategy", "household_type", "share", "perspective", "net_position_per_household", "net_position_se", "change_per_household", "change_se", "total_change", "households_simulated"], results);
        var T = d.Model.Options.Cycles;
        var cl = d.Model.Options.CycleLengthYears;
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[1]), ["strategy", "year", "role", "state", "members_per_household"], All.Results.SelectMany(r =>
            Enumerable.Range(0, T + 1).SelectMany(t => d.Roles.SelectMany(role => d.Model.States.Select(s => (t, role, s, v: r.MembersInState(t, role.Name, s.Name))).Where(x => x.v != 0)
                .Select(x => new string?[] { r.Strategy.Name, N(x.t * cl), x.role.Name, x.s.Name, N(x.v) })))));
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[2]), ["strategy", "role", "state", "share_of_households", "se"], All.Results.SelectMany(r =>
            d.Roles.SelectMany(role => d.Model.States.Select(s => (role, s, e: r.ShareEverIn(role.Name, s.Name))).Where(x => x.e.Mean != 0)
                .Select(x => new string?[] { r.Strategy.Name, x.role.Name, x.s.Name, N(x.e.Mean), N(x.e.StandardError) }))));
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[3]), ["strategy", "year", "payer", "sector", "kind", "origin", "amount_per_household"], All.Results.SelectMany(r => Bill(r).Select(b => new string?[] { r.Strategy.Name, N(b.Year), b.Account.Payer.Name, b.Account.Sector.Name, TableRows.Text(b.Account.Kind), b.Origin == FlowOrigin.Base ? "base" : "intervention", N(b.Amount) })));
        CsvFiles.WriteCsv(Path.Combine(directory, ResultFileNames[4]), ["strategy", "intervention", "share_eligible", "share_taking_up"], All.Results.SelectMany(r => r.Strategy.Interventions.Select(i => new string?[] { r.Strategy.Name, i.Name, N(r.ShareEligible(i.Name)), N(r.ShareTakingUp(i.Name)) })));
        AtomicFile.Write(Path.Combine(directory, ResultFileNames[5]), WriteSummary);
    }

    /// <summary>The whole bill of a strategy: per year and account and origin, the amount per household (undiscounted, weighted by the counting convention; + = the payer pays), nonzero cells only.</summary>
    /// <param name="result">A strategy's result.</param>
    public IEnumerable<(double Year, Account Account, FlowOrigin Origin, double Amount)> Bill(HouseholdResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var totals = result.Totals;
        var size = Households.Definition.Size;
        for (var t = 0; t <= totals.Cycles; t++)
        {
            for (var a = 0; a < totals.Accounts.Count; a++)
            {
                foreach (var o in new[] { FlowOrigin.Base, FlowOrigin.Intervention })
                {
                    var v = totals.Flow(t, a, o, discounted: false) / size;
                    if (v != 0)
                    {
                        yield return (t * totals.CycleLengthYears, totals.Accounts[a], o, v);
                    }
                }
            }
        }
    }

    private void WriteSummary(Stream stream)
    {
        var d = Households.Definition;
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("scenario", Scenario.Settings.Name);
        w.WriteString("currency", "NOK");
        if (Scenario.Settings.PriceYear is int py)
        {
            w.WriteNumber("priceYear", py);
        }

        w.WriteString("signConvention", "+ = better off (net positions and changes); the bill and 'familyInvested' are named magnitudes, + = paid / put in");
        w.WriteNumber("householdsSimulated", All.Households);
        w.WriteNumber("householdsRepresented", d.Size);
        w.WriteNumber("seed", Options.Seed);
        w.WriteNumber("horizonCycles", d.Model.Options.Cycles);
        w.WriteString("comparator", All.Results[0].Strategy.Name);
        w.WriteString("familyPayer", d.FamilyPayer.Name);
        w.WriteNumber("familyHourValue", Households.FamilyHourValue);
        if (Households.FamilyHourValueSource is { } src)
        {
            w.WriteString("familyHourValueSource", src);
        }

        w.WriteStartArray("strategies");
        for (var k = 0; k < All.Results.Count; k++)
        {
            var r = All.Results[k];
            w.WriteStartObject();
            w.WriteString("name", r.Strategy.Name);
            w.WriteNumber("familyInvestedPerHousehold", FamilyInvestedPerHousehold(r));
            w.WriteStartObject("netPositionPerHousehold");
            foreach (var p in Perspectives)
            {
                var e = r.NetPositionPerHousehold(p);
                w.WriteStartObject(p.Name);
                w.WriteNumber("mean", e.Mean);
                w.WriteNumber("se", e.StandardError);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            if (k > 0)
            {
                w.WriteStartObject("changePerHousehold");
                foreach (var p in Perspectives)
                {
                    var e = All.IncrementalCost(k, p);
                    w.WriteStartObject(p.Name);
                    w.WriteNumber("mean", -e.Mean);
                    w.WriteNumber("se", e.StandardError);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            if (Households.PlacementStates.Count > 0)
            {
                w.WriteStartObject("shareOfHouseholdsEverWithAMemberIn");
                foreach (var s in Households.PlacementStates)
                {
                    w.WriteNumber(s, d.Roles.Max(role => r.ShareEverIn(role.Name, s).Mean));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string N(double x) => CsvNumber.Format(x);
}

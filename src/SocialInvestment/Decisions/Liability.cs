using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Decisions;

/// <summary>
/// How a caseload liability is computed and what it shows. Immutable; use <c>with</c>. The seed of the
/// PSA draws and the thread count come from the <see cref="RunOptions"/> root (<see cref="RunOptions.Seed"/>:
/// draw i uses <see cref="PsaSpecification.Draw"/>(Seed, i), the same on any thread count;
/// <see cref="RunOptions.Threads"/>: 0 = every core).
/// </summary>
public sealed record LiabilityOptions : RunOptions
{
    /// <summary>Options with the defaults.</summary>
    public LiabilityOptions()
    {
    }

    /// <summary>Options that take the seed and thread count of a run-options root.</summary>
    /// <param name="root">The root.</param>
    public LiabilityOptions(RunOptions root)
        : base(root)
    {
    }

    /// <summary>The strategy the future is projected under; null (default) for business as usual (no intervention).</summary>
    public Strategy? Strategy { get; init; }

    /// <summary>
    /// Lower edges of the age bands, in years, ascending (each band runs to the next edge; the last is open).
    /// Default 0, 18, 25, 30, 40, 50, 67.
    /// </summary>
    public IReadOnlyList<double> AgeBands { get; init; } = [0, 18, 25, 30, 40, 50, 67];

    /// <summary>Attributes to group by (each a dimension of its own); null (default) for every attribute of the register.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    /// <summary>
    /// Group cells with fewer persons than this are suppressed (no count, no value); default 5, as
    /// Norwegian statistics practice requires. When exactly one cell of a dimension would be
    /// suppressed, the next smallest is suppressed too, so that no suppressed cell can be recovered
    /// as the total minus the others. 1 disables suppression.
    /// </summary>
    public int MinimumCellCount { get; init; } = 5;

    /// <summary>Whether to return one row per person (default false: per-person values only when asked for).</summary>
    public bool PerPerson { get; init; }

    /// <summary>PSA draws for intervals (0, the default, for the base case only). Each draw recompiles the model.</summary>
    public int Draws { get; init; }

    /// <summary>Width of the PSA interval (default 0.95: the 2.5 % and 97.5 % quantiles).</summary>
    public double Interval { get; init; } = 0.95;
}

/// <summary>The PV of projected future flows of one payer, positive when it costs the payer.</summary>
/// <param name="Payer">The payer.</param>
/// <param name="Value">PV in the model's currency and price year, discounted to the snapshot date; + = a cost to the payer, − = a gain (earnings, benefits received).</param>
public sealed record PayerLiability(Payer Payer, double Value);

/// <summary>The PV of projected future flows booked to one account (payer × sector × kind), positive when it costs.</summary>
/// <param name="Account">The account.</param>
/// <param name="Value">PV, + = a cost to the account's payer.</param>
public sealed record AccountLiability(Account Account, double Value);

/// <summary>The PSA interval of a liability figure.</summary>
/// <param name="Mean">Mean over the draws.</param>
/// <param name="Lower">Lower quantile (2.5 % by default).</param>
/// <param name="Upper">Upper quantile (97.5 % by default).</param>
/// <param name="StandardError">Monte Carlo standard error of the mean (sd/√draws).</param>
public sealed record LiabilityInterval(double Mean, double Lower, double Upper, double StandardError);

/// <summary>
/// One cell of a grouped liability (for example age band 18–24, or district Vest). Suppressed cells
/// carry no count and no value.
/// </summary>
public sealed record LiabilityCell
{
    /// <summary>The grouping dimension: <c>age band</c>, <c>state</c>, or an attribute name.</summary>
    public required string Dimension { get; init; }

    /// <summary>The cell's key (the age band's label such as <c>18-24</c>, a state name, an attribute value; <c>(none)</c> for persons without the attribute).</summary>
    public required string Key { get; init; }

    /// <summary>True when the cell is suppressed for privacy (fewer persons than the minimum, or secondary suppression).</summary>
    public required bool Suppressed { get; init; }

    /// <summary>Number of persons; null when suppressed.</summary>
    public int? Count { get; init; }

    /// <summary>PV by payer (+ = cost); empty when suppressed.</summary>
    public IReadOnlyList<PayerLiability> ByPayer { get; init; } = [];

    /// <summary>The public liability: the PV of the public payers' flows (+ = cost); null when suppressed.</summary>
    public double? Public { get; init; }

    /// <summary>PSA interval of <see cref="Public"/>; null without draws or when suppressed.</summary>
    public LiabilityInterval? PublicInterval { get; init; }
}

/// <summary>One person's liability (returned only when <see cref="LiabilityOptions.PerPerson"/> is set).</summary>
/// <param name="PersonId">The person.</param>
/// <param name="HouseholdId">Household, or null.</param>
/// <param name="ByPayer">PV by payer, + = cost.</param>
/// <param name="Public">PV of the public payers' flows, + = cost.</param>
public sealed record PersonLiability(string PersonId, string? HouseholdId, IReadOnlyList<PayerLiability> ByPayer, double Public);

/// <summary>
/// The caseload liability of a register: the present value at the snapshot date of every person's
/// projected future flows by payer and sector, over the model's horizon, under one strategy. In the
/// model's currency and price year (<see cref="PriceYear"/>), discounted with the model's cost
/// schedule. Sign: a liability is a named magnitude, + when it costs the payer (the raw flow sign);
/// a negative value is a projected gain (the individual's earnings, for example). Immutable.
/// </summary>
public sealed class LiabilityResult
{
    internal LiabilityResult(Strategy strategy, int persons, int profiles, int cycles, int? priceYear, int minimumCellCount, IReadOnlyList<AccountLiability> accounts, IReadOnlyList<PayerLiability> payers, double publicTotal, IReadOnlyList<LiabilityCell> cells, IReadOnlyList<PersonLiability>? people, LiabilityInterval? publicInterval, IReadOnlyList<(Payer Payer, LiabilityInterval Interval)>? payerIntervals, int draws, ulong? seed, string? label)
    {
        Strategy = strategy;
        PersonCount = persons;
        ProfileCount = profiles;
        HorizonCycles = cycles;
        PriceYear = priceYear;
        MinimumCellCount = minimumCellCount;
        ByAccount = ReadOnly.Copy(accounts);
        ByPayer = ReadOnly.Copy(payers);
        Public = publicTotal;
        Cells = ReadOnly.Copy(cells);
        Persons = ReadOnly.CopyOrNull(people);
        PublicInterval = publicInterval;
        PayerIntervals = ReadOnly.DictionaryOrNull(payerIntervals?.ToDictionary(p => p.Payer.Name, p => p.Interval, StringComparer.Ordinal));
        Draws = draws;
        Seed = seed;
        RegisterLabel = label;
    }

    /// <summary>The strategy projected under (its <see cref="Model.Strategy.Name"/> names it).</summary>
    public Strategy Strategy { get; }

    /// <summary>Persons in the register.</summary>
    public int PersonCount { get; }

    /// <summary>Distinct (age, state, time in state) profiles run (one cohort run each).</summary>
    public int ProfileCount { get; }

    /// <summary>Projection horizon in cycles (the model's).</summary>
    public int HorizonCycles { get; }

    /// <summary>Price year of all amounts, or null when the model has none.</summary>
    public int? PriceYear { get; }

    /// <summary>The minimum cell count used for suppression.</summary>
    public int MinimumCellCount { get; }

    /// <summary>The register's label, or null.</summary>
    public string? RegisterLabel { get; }

    /// <summary>PV by account (payer × sector × kind), + = cost, in the model's account order.</summary>
    public IReadOnlyList<AccountLiability> ByAccount { get; }

    /// <summary>PV by payer, + = cost, in the model's payer order.</summary>
    public IReadOnlyList<PayerLiability> ByPayer { get; }

    /// <summary>The public liability: PV of all public payers' flows, + = cost.</summary>
    public double Public { get; }

    /// <summary>PSA interval of <see cref="Public"/>; null without draws.</summary>
    public LiabilityInterval? PublicInterval { get; }

    /// <summary>PSA intervals by payer name; null without draws.</summary>
    public IReadOnlyDictionary<string, LiabilityInterval>? PayerIntervals { get; }

    /// <summary>PSA draws used (0 for none).</summary>
    public int Draws { get; }

    /// <summary>Seed of the draws, or null without draws.</summary>
    public ulong? Seed { get; }

    /// <summary>Grouped cells: every age band, every state, every attribute value (dimensions in that order).</summary>
    public IReadOnlyList<LiabilityCell> Cells { get; }

    /// <summary>Per-person values, in register order; null unless <see cref="LiabilityOptions.PerPerson"/> was set.</summary>
    public IReadOnlyList<PersonLiability>? Persons { get; }

    /// <summary>The cells of one dimension.</summary>
    /// <param name="dimension"><c>age band</c>, <c>state</c> or an attribute name.</param>
    public IReadOnlyList<LiabilityCell> Dimension(string dimension) => Cells.Where(c => c.Dimension == dimension).ToArray();
}

/// <summary>
/// Computes the caseload liability of a client register (the actuarial valuation of a benefit
/// system, as New Zealand's Ministry of Social Development did, applied to a municipality's clients).
/// Persons with the same (age, state, effective time in state) have the same expected future
/// flows, so each distinct profile is run once as a one-person cohort with the exact
/// <see cref="CohortEngine"/> and multiplied by its head count: the liability of a register equals
/// the sum of its persons' single-person cohort runs.
/// </summary>
public static class CaseloadLiability
{
    /// <summary>The dimension name of age bands.</summary>
    public const string AgeBand = "age band";

    /// <summary>The dimension name of states.</summary>
    public const string StateDimension = "state";

    /// <summary>The key of persons without the attribute grouped by.</summary>
    public const string NoValue = "(none)";

    /// <summary>Computes the liability.</summary>
    /// <param name="model">The model (its horizon, discounting and price year are used).</param>
    /// <param name="register">The register snapshot.</param>
    /// <param name="options">Options; null for the defaults (business as usual, suppression below 5, no draws).</param>
    /// <param name="psa">The parameter distributions; required when <see cref="LiabilityOptions.Draws"/> &gt; 0.</param>
    /// <param name="progress">Receives one report per draw.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <exception cref="ModelValidationException">The register does not fit the model (every problem listed).</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static LiabilityResult Compute(LifeCourseModel model, ClientRegister register, LiabilityOptions? options = null, PsaSpecification? psa = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(register);
        options ??= new LiabilityOptions();
        CheckOptions(options, psa, model);
        var problems = register.Check(model);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var strategy = options.Strategy ?? Model.Strategy.BusinessAsUsual;
        var (profiles, profileOf) = Profiles(model, register);
        var values = LiabilityProfiles.Value(model, strategy, null, profiles, nextOccupancy: false, cancellationToken);
        var payers = model.Payers;
        var accounts = model.Accounts;
        var A = accounts.Count;
        var payerOf = accounts.Select(a => IndexOf(payers, a.Payer)).ToArray();
        var isPublic = accounts.Select(a => a.Payer.IsPublic).ToArray();

        // Per profile: by payer and public.
        var P = payers.Count;
        double[] ByPayer(ProfileValues v)
        {
            var r = new double[profiles.Count * (P + 1)];
            for (var i = 0; i < profiles.Count; i++)
            {
                for (var k = 0; k < A; k++)
                {
                    var x = v.PresentValue[(i * A) + k];
                    if (payerOf[k] >= 0)
                    {
                        r[(i * (P + 1)) + payerOf[k]] += x;
                    }

                    if (isPublic[k])
                    {
                        r[(i * (P + 1)) + P] += x;
                    }
                }
            }

            return r;
        }

        var baseByPayer = ByPayer(values);
        var counts = new int[profiles.Count];
        foreach (var p in profileOf)
        {
            counts[p]++;
        }

        // Totals (profile order, then payer order: deterministic).
        var byAccount = new double[A];
        var totals = new double[P + 1];
        for (var i = 0; i < profiles.Count; i++)
        {
            for (var k = 0; k < A; k++)
            {
                byAccount[k] += counts[i] * values.PresentValue[(i * A) + k];
            }

            for (var j = 0; j <= P; j++)
            {
                totals[j] += counts[i] * baseByPayer[(i * (P + 1)) + j];
            }
        }

        // Cells: per cell, the head count of each profile.
        var cellDefs = Cells(model, register, options, profileOf);

        // Draws.
        double[][]? drawByPayer = null;
        if (options.Draws > 0)
        {
            drawByPayer = new double[options.Draws][];
            var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.EffectiveThreads };
            var done = 0;
            Parallel.For(0, options.Draws, parallel, d =>
            {
                var v = LiabilityProfiles.Value(model, strategy, psa!.Draw(options.Seed, d), profiles, nextOccupancy: false, cancellationToken);
                drawByPayer[d] = ByPayer(v);
                var c = Interlocked.Increment(ref done);
                progress?.Report(new RunProgress(c, options.Draws, "liability draws"));
            });
        }

        LiabilityInterval? Interval(Func<double[], double> of)
        {
            if (drawByPayer is null)
            {
                return null;
            }

            var xs = drawByPayer.Select(of).ToArray();
            return IntervalOf(xs, options.Interval);
        }

        double Sum(double[] byPayer, IReadOnlyList<(int Profile, int Count)> members, int column)
        {
            var s = 0.0;
            foreach (var (profile, count) in members)
            {
                s += count * byPayer[(profile * (P + 1)) + column];
            }

            return s;
        }

        var everyone = Enumerable.Range(0, profiles.Count).Select(i => (i, counts[i])).ToArray();
        var cells = new List<LiabilityCell>();
        foreach (var (dimension, key, members, count, suppressed) in cellDefs)
        {
            if (suppressed)
            {
                cells.Add(new LiabilityCell { Dimension = dimension, Key = key, Suppressed = true });
                continue;
            }

            cells.Add(new LiabilityCell
            {
                Dimension = dimension,
                Key = key,
                Suppressed = false,
                Count = count,
                ByPayer = payers.Select((p, j) => new PayerLiability(p, Sum(baseByPayer, members, j))).ToArray(),
                Public = Sum(baseByPayer, members, P),
                PublicInterval = Interval(d => Sum(d, members, P)),
            });
        }

        IReadOnlyList<PersonLiability>? people = null;
        if (options.PerPerson)
        {
            people = register.Persons.Select((p, i) => new PersonLiability(
                p.PersonId,
                p.HouseholdId,
                payers.Select((payer, j) => new PayerLiability(payer, baseByPayer[(profileOf[i] * (P + 1)) + j])).ToArray(),
                baseByPayer[(profileOf[i] * (P + 1)) + P])).ToArray();
        }

        return new LiabilityResult(
            strategy,
            register.Count,
            profiles.Count,
            model.Options.Cycles,
            model.PriceYear,
            options.MinimumCellCount,
            accounts.Select((a, k) => new AccountLiability(a, byAccount[k])).ToArray(),
            payers.Select((p, j) => new PayerLiability(p, totals[j])).ToArray(),
            totals[P],
            cells,
            people,
            Interval(d => Sum(d, everyone, P)),
            drawByPayer is null ? null : payers.Select((p, j) => (p, Interval(d => Sum(d, everyone, j))!)).ToArray(),
            options.Draws,
            options.Draws > 0 ? options.Seed : null,
            register.Label);
    }

    /// <summary>The label of the age band an age falls in (for example <c>18-24</c>, <c>67+</c>).</summary>
    /// <param name="edges">Lower edges, ascending.</param>
    /// <param name="age">Age in years.</param>
    public static string AgeBandOf(IReadOnlyList<double> edges, double age)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var i = BandIndex(edges, age);
        return BandLabel(edges, i);
    }

    internal static int BandIndex(IReadOnlyList<double> edges, double age)
    {
        var i = 0;
        for (var k = 0; k < edges.Count; k++)
        {
            if (age >= edges[k])
            {
                i = k;
            }
        }

        return i;
    }

    internal static string BandLabel(IReadOnlyList<double> edges, int i)
    {
        static string F(double x) => x.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        if (i == edges.Count - 1)
        {
            return F(edges[i]) + "+";
        }

        var upper = edges[i + 1];
        return Math.Floor(upper) == upper && Math.Floor(edges[i]) == edges[i] ? $"{F(edges[i])}-{F(upper - 1)}" : $"{F(edges[i])}-<{F(upper)}";
    }

    internal static LiabilityInterval IntervalOf(double[] xs, double interval)
    {
        var mean = 0.0;
        foreach (var x in xs)
        {
            mean += x;
        }

        mean /= xs.Length;
        var ss = 0.0;
        foreach (var x in xs)
        {
            ss += (x - mean) * (x - mean);
        }

        var sd = xs.Length > 1 ? Math.Sqrt(ss / (xs.Length - 1)) : 0.0;
        var sorted = xs.Order().ToArray();
        var tail = (1 - interval) / 2;
        return new LiabilityInterval(mean, Quantile(sorted, tail), Quantile(sorted, 1 - tail), sd / Math.Sqrt(xs.Length));
    }

    /// <summary>Type-7 quantile of sorted values.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }

        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    internal static (List<LiabilityProfile> Profiles, int[] ProfileOf) Profiles(LifeCourseModel model, ClientRegister register)
    {
        var index = new Dictionary<LiabilityProfile, int>();
        var list = new List<LiabilityProfile>();
        var of = new int[register.Count];
        for (var i = 0; i < register.Count; i++)
        {
            var p = register.Persons[i];
            var s = model.StateIndex(p.State);
            var key = new LiabilityProfile(p.Age, s, LiabilityProfiles.EffectiveTimeInState(model, s, p.TimeInState));
            if (!index.TryGetValue(key, out var k))
            {
                k = list.Count;
                index.Add(key, k);
                list.Add(key);
            }

            of[i] = k;
        }

        return (list, of);
    }

    internal static int IndexOf(IReadOnlyList<Payer> payers, Payer payer)
    {
        for (var j = 0; j < payers.Count; j++)
        {
            if (payers[j] == payer)
            {
                return j;
            }
        }

        return -1;
    }

    private static void CheckOptions(LiabilityOptions options, PsaSpecification? psa, LifeCourseModel model)
    {
        var problems = new List<string>();
        if (options.AgeBands is null || options.AgeBands.Count == 0 || options.AgeBands.Any(e => !double.IsFinite(e)) || options.AgeBands.Zip(options.AgeBands.Skip(1)).Any(p => p.Second <= p.First))
        {
            problems.Add("AgeBands must be one or more finite, strictly ascending lower edges.");
        }

        if (options.MinimumCellCount < 1)
        {
            problems.Add($"MinimumCellCount must be at least 1 (got {options.MinimumCellCount}).");
        }

        if (options.Draws < 0)
        {
            problems.Add($"Draws must be ≥ 0 (got {options.Draws}).");
        }

        if (options.Draws > 0 && psa is null)
        {
            problems.Add("Draws need a PsaSpecification.");
        }

        if (options.Threads < 0)
        {
            problems.Add(RunOptions.ThreadsProblem(options.Threads));
        }

        if (psa is not null && !ReferenceEquals(psa.Model, model) && psa.Model.Parameters.Count != model.Parameters.Count)
        {
            problems.Add("The PsaSpecification is for another model (its parameter count differs).");
        }

        if (!(options.Interval > 0 && options.Interval < 1))
        {
            problems.Add($"Interval must lie in (0, 1) (got {options.Interval}).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }

    private static List<(string Dimension, string Key, IReadOnlyList<(int Profile, int Count)> Members, int Count, bool Suppressed)> Cells(LifeCourseModel model, ClientRegister register, LiabilityOptions options, int[] profileOf)
    {
        var dimensions = new List<(string Name, Func<RegisterPerson, (int Order, string Key)> Key)>
        {
            (AgeBand, p => { var i = BandIndex(options.AgeBands, p.Age); return (i, BandLabel(options.AgeBands, i)); }),
            (StateDimension, p => (model.StateIndex(p.State), p.State)),
        };
        foreach (var attribute in options.GroupBy ?? register.AttributeNames)
        {
            dimensions.Add((attribute, p => (0, p.Attribute(attribute) ?? NoValue)));
        }

        var result = new List<(string, string, IReadOnlyList<(int, int)>, int, bool)>();
        foreach (var (name, keyOf) in dimensions)
        {
            var groups = new Dictionary<string, (int Order, Dictionary<int, int> Members, int Count)>(StringComparer.Ordinal);
            for (var i = 0; i < register.Count; i++)
            {
                var (order, key) = keyOf(register.Persons[i]);
                if (!groups.TryGetValue(key, out var g))
                {
                    g = (order, new Dictionary<int, int>(), 0);
                }

                g.Members[profileOf[i]] = g.Members.GetValueOrDefault(profileOf[i]) + 1;
                groups[key] = (g.Order, g.Members, g.Count + 1);
            }

            var ordered = groups.OrderBy(g => g.Value.Order).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            var suppressed = ordered.Select(g => g.Value.Count < options.MinimumCellCount).ToArray();
            if (suppressed.Count(s => s) == 1 && ordered.Count > 1)
            {
                // Secondary suppression: the smallest other cell, so the suppressed one cannot be recovered from the total.
                var next = Enumerable.Range(0, ordered.Count).Where(i => !suppressed[i]).OrderBy(i => ordered[i].Value.Count).ThenBy(i => i).First();
                suppressed[next] = true;
            }

            for (var i = 0; i < ordered.Count; i++)
            {
                var (key, (_, members, count)) = (ordered[i].Key, ordered[i].Value);
                result.Add((name, key, members.OrderBy(m => m.Key).Select(m => (m.Key, m.Value)).ToArray(), count, suppressed[i]));
            }
        }

        return result;
    }
}

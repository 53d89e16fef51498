using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Decisions;

/// <summary>
/// How an investment forecast is made. Immutable; use <c>with</c>. The seed of the draws and the
/// thread count come from the <see cref="RunOptions"/> root (<see cref="RunOptions.Seed"/>: draw i is
/// <see cref="PsaSpecification.Draw"/>(Seed, i); <see cref="RunOptions.Threads"/>: 0 = every core).
/// </summary>
public sealed record ForecastOptions : RunOptions
{
    /// <summary>Options with the defaults.</summary>
    public ForecastOptions()
    {
    }

    /// <summary>Options that take the seed and thread count of a run-options root.</summary>
    /// <param name="root">The root.</param>
    public ForecastOptions(RunOptions root)
        : base(root)
    {
    }

    /// <summary>Years forecast year by year (the follow-up window), ≥ 1, at most the model's horizon. Default 5.</summary>
    public int Years { get; init; } = 5;

    /// <summary>PSA draws kept with the forecast (0, the default, for the base case only; the belief update needs draws).</summary>
    public int Draws { get; init; }

    /// <summary>Perspectives of the lifetime NPV; null (default) for <see cref="Perspective.StandardSet"/>.</summary>
    public IReadOnlyList<Perspective>? Perspectives { get; init; }

    /// <summary>The cohort the investment is made in (for example 40 children with in-home measures at 13); null (default) for the model's population.</summary>
    public Population? Cohort { get; init; }
}

/// <summary>
/// One parameter set's forecast: expected counts by year and state, spending by year and payer under
/// the investment and the comparator, lifetime NPV by perspective, and the parameter values.
/// </summary>
/// <param name="Counts">Expected number of the cohort in each state at the end of each forecast year, <c>[year·S + state]</c> (trace point year + 1).</param>
/// <param name="Spending">Expected spending of each payer during each year under the investment, <c>[year·P + payer]</c>: undiscounted, in the price year, intervention costs included, + = the payer pays.</param>
/// <param name="ComparatorSpending">The same under the comparator.</param>
/// <param name="Npv">Lifetime NPV of the investment against the comparator by perspective (discounted, + = better off).</param>
/// <param name="Parameters">The parameter values.</param>
public sealed record ForecastDraw(IReadOnlyList<double> Counts, IReadOnlyList<double> Spending, IReadOnlyList<double> ComparatorSpending, IReadOnlyList<double> Npv, IReadOnlyList<double> Parameters);

/// <summary>
/// The forecast made at the start of an investment, kept to be compared with what happens: for the
/// base case and each PSA draw, the expected people in each state and the spending by payer, year by
/// year from <see cref="StartYear"/>, and the lifetime NPV by perspective; stamped with the content
/// hash of the scenario it was made from. Calendar year <c>StartYear + k</c> is model cycle k (annual
/// cycles): spending during it is trace row k, people at its end trace point k + 1. Immutable.
/// </summary>
public sealed class InvestmentForecast
{
    /// <summary>Creates a forecast from its parts (for example read back from a file); checks every shape.</summary>
    /// <param name="investment">Name of the investment strategy.</param>
    /// <param name="comparator">Name of the comparator strategy.</param>
    /// <param name="startYear">Calendar year the investment starts (model cycle 0).</param>
    /// <param name="scenarioHash">Content hash of the scenario the forecast was made from (for example <c>sha256:…</c>).</param>
    /// <param name="cohortSize">People in the cohort.</param>
    /// <param name="priceYear">Price year of amounts, or null.</param>
    /// <param name="years">Forecast years.</param>
    /// <param name="states">State names (S).</param>
    /// <param name="payers">Payer names (P).</param>
    /// <param name="perspectives">Perspective names of <see cref="ForecastDraw.Npv"/>.</param>
    /// <param name="parameters">Parameter names of <see cref="ForecastDraw.Parameters"/>.</param>
    /// <param name="baseCase">The base-case forecast.</param>
    /// <param name="draws">The PSA draws (may be empty).</param>
    /// <param name="seed">Seed of the draws, or null without draws.</param>
    /// <exception cref="ArgumentException">A shape or value is invalid.</exception>
    public InvestmentForecast(string investment, string comparator, int startYear, string scenarioHash, double cohortSize, int? priceYear, int years, IReadOnlyList<string> states, IReadOnlyList<string> payers, IReadOnlyList<string> perspectives, IReadOnlyList<string> parameters, ForecastDraw baseCase, IReadOnlyList<ForecastDraw> draws, ulong? seed)
    {
        ArgumentNullException.ThrowIfNull(investment);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(scenarioHash);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(payers);
        ArgumentNullException.ThrowIfNull(perspectives);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(baseCase);
        ArgumentNullException.ThrowIfNull(draws);
        var problems = new List<string>();
        if (years < 1)
        {
            problems.Add($"years must be ≥ 1 (got {years})");
        }

        if (!(double.IsFinite(cohortSize) && cohortSize > 0))
        {
            problems.Add($"the cohort size must be positive (got {cohortSize})");
        }

        void CheckDraw(ForecastDraw d, string what)
        {
            if (d is null || d.Counts?.Count != years * states.Count || d.Spending?.Count != years * payers.Count || d.ComparatorSpending?.Count != years * payers.Count || d.Npv?.Count != perspectives.Count || d.Parameters?.Count != parameters.Count)
            {
                problems.Add($"{what} does not have the forecast's shape ({years} years × {states.Count} states, {payers.Count} payers, {perspectives.Count} perspectives, {parameters.Count} parameters)");
            }
            else if (d.Counts.Concat(d.Spending).Concat(d.ComparatorSpending).Concat(d.Npv).Concat(d.Parameters).Any(v => !double.IsFinite(v)))
            {
                problems.Add($"{what} has a value that is not a finite number");
            }
        }

        CheckDraw(baseCase, "the base case");
        for (var i = 0; i < draws.Count && problems.Count < 10; i++)
        {
            CheckDraw(draws[i], $"draw {i}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid forecast: " + string.Join("; ", problems) + ".");
        }

        Investment = investment;
        Comparator = comparator;
        StartYear = startYear;
        ScenarioHash = scenarioHash;
        CohortSize = cohortSize;
        PriceYear = priceYear;
        Years = years;
        States = [.. states];
        Payers = [.. payers];
        Perspectives = [.. perspectives];
        Parameters = [.. parameters];
        BaseCase = baseCase;
        Draws = [.. draws];
        Seed = seed;
    }

    /// <summary>Name of the investment strategy.</summary>
    public string Investment { get; }

    /// <summary>Name of the comparator.</summary>
    public string Comparator { get; }

    /// <summary>Calendar year the investment starts (model cycle 0).</summary>
    public int StartYear { get; }

    /// <summary>The last calendar year forecast: <c>StartYear + Years − 1</c>.</summary>
    public int LastYear => StartYear + Years - 1;

    /// <summary>Content hash of the scenario the forecast was made from.</summary>
    public string ScenarioHash { get; }

    /// <summary>People in the cohort.</summary>
    public double CohortSize { get; }

    /// <summary>Price year of amounts, or null.</summary>
    public int? PriceYear { get; }

    /// <summary>Forecast years.</summary>
    public int Years { get; }

    /// <summary>State names.</summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>Payer names.</summary>
    public IReadOnlyList<string> Payers { get; }

    /// <summary>Perspective names of the NPVs.</summary>
    public IReadOnlyList<string> Perspectives { get; }

    /// <summary>Parameter names.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The base-case forecast.</summary>
    public ForecastDraw BaseCase { get; }

    /// <summary>The PSA draws (empty without).</summary>
    public IReadOnlyList<ForecastDraw> Draws { get; }

    /// <summary>Seed of the draws, or null.</summary>
    public ulong? Seed { get; }

    /// <summary>Base-case expected number in a state at the end of a calendar year.</summary>
    /// <param name="year">Calendar year, <see cref="StartYear"/> … <see cref="LastYear"/>.</param>
    /// <param name="state">State name.</param>
    public double ExpectedCount(int year, string state) => BaseCase.Counts[(YearIndex(year) * States.Count) + Index(States, state, "state")];

    /// <summary>Base-case spending of a payer during a calendar year under the investment (undiscounted, + = the payer pays).</summary>
    /// <param name="year">Calendar year.</param>
    /// <param name="payer">Payer name.</param>
    public double ExpectedSpending(int year, string payer) => BaseCase.Spending[(YearIndex(year) * Payers.Count) + Index(Payers, payer, "payer")];

    /// <summary>Base-case lifetime NPV of the investment for a perspective (+ = better off).</summary>
    /// <param name="perspective">Perspective name.</param>
    public double Npv(string perspective) => BaseCase.Npv[Index(Perspectives, perspective, "perspective")];

    /// <summary>Makes the forecast: runs the investment and the comparator for the base case and each draw.</summary>
    /// <param name="model">The model.</param>
    /// <param name="investment">The investment strategy.</param>
    /// <param name="comparator">The comparator (usually business as usual).</param>
    /// <param name="startYear">Calendar year the investment starts.</param>
    /// <param name="scenarioHash">Content hash of the scenario (kept to check later that the same scenario is followed up).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="psa">Parameter distributions; required with draws.</param>
    /// <param name="progress">One report per draw.</param>
    /// <param name="cancellationToken">Cancels the forecast.</param>
    /// <exception cref="ArgumentException">Invalid options, or a cycle length other than one year.</exception>
    public static InvestmentForecast Make(LifeCourseModel model, Strategy investment, Strategy comparator, int startYear, string scenarioHash, ForecastOptions? options = null, PsaSpecification? psa = null, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(investment);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(scenarioHash);
        options ??= new ForecastOptions();
        if (model.Options.CycleLengthYears != 1.0)
        {
            throw new ArgumentException($"A forecast follows calendar years, so the model needs annual cycles (its cycle is {model.Options.CycleLengthYears} years).", nameof(model));
        }

        if (options.Years < 1 || options.Years > model.Options.Cycles)
        {
            throw new ArgumentException($"Years must lie in [1, {model.Options.Cycles}] (the model's horizon); got {options.Years}.", nameof(options));
        }

        if (options.Draws < 0 || (options.Draws > 0 && psa is null))
        {
            throw new ArgumentException("Draws must be ≥ 0, and draws need a PsaSpecification.", nameof(options));
        }

        if (options.Threads < 0)
        {
            throw new ArgumentException(RunOptions.ThreadsProblem(options.Threads), nameof(options));
        }

        var m = options.Cohort is null ? model : model.WithPopulation(options.Cohort);
        var perspectives = options.Perspectives ?? Perspective.StandardSet(m);
        ForecastDraw One(ParameterValues? p)
        {
            var inv = CohortEngine.Run(m, investment, p, cancellationToken);
            var cmp = CohortEngine.Run(m, comparator, p, cancellationToken);
            var S = m.States.Count;
            var P = m.Payers.Count;
            var counts = new double[options.Years * S];
            var spending = new double[options.Years * P];
            var cmpSpending = new double[options.Years * P];
            for (var k = 0; k < options.Years; k++)
            {
                for (var s = 0; s < S; s++)
                {
                    counts[(k * S) + s] = inv.Occupancy(k + 1, s);
                }

                for (var a = 0; a < m.Accounts.Count; a++)
                {
                    var j = CaseloadLiability.IndexOf(m.Payers, m.Accounts[a].Payer);
                    if (j < 0)
                    {
                        continue;
                    }

                    spending[(k * P) + j] += inv.Flow(k, a, FlowOrigin.Base, false) + inv.Flow(k, a, FlowOrigin.Intervention, false);
                    cmpSpending[(k * P) + j] += cmp.Flow(k, a, FlowOrigin.Base, false) + cmp.Flow(k, a, FlowOrigin.Intervention, false);
                }
            }

            var npv = perspectives.Select(v => Appraisal.Compare(inv, cmp, v).NetPresentValue).ToArray();
            return new ForecastDraw(counts, spending, cmpSpending, npv, (p ?? m.BaseParameters).AsSpan().ToArray());
        }

        var baseCase = One(null);
        var draws = new ForecastDraw[options.Draws];
        var done = 0;
        Parallel.For(0, options.Draws, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.EffectiveThreads }, d =>
        {
            draws[d] = One(psa!.Draw(options.Seed, d));
            progress?.Report(new RunProgress(Interlocked.Increment(ref done), options.Draws, "forecast draws"));
        });

        return new InvestmentForecast(
            investment.Name,
            comparator.Name,
            startYear,
            scenarioHash,
            m.Population.Size,
            m.PriceYear,
            options.Years,
            m.States.Select(s => s.Name).ToArray(),
            m.Payers.Select(p => p.Name).ToArray(),
            perspectives.Select(v => v.Name).ToArray(),
            m.Parameters.Select(p => p.Name).ToArray(),
            baseCase,
            draws,
            options.Draws > 0 ? options.Seed : null);
    }

    internal int YearIndex(int year) => year >= StartYear && year <= LastYear ? year - StartYear : throw new ArgumentOutOfRangeException(nameof(year), $"Year {year} is outside the forecast ({StartYear}–{LastYear}).");

    internal static int Index(IReadOnlyList<string> names, string name, string what)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"The forecast has no {what} '{name}'.");
    }

    internal static int Find(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}

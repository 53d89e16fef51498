using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>What a follow-up row records.</summary>
public enum FollowUpMeasure
{
    /// <summary>The number of people of the cohort followed in the year (the denominator of the counts).</summary>
    People = 0,

    /// <summary>The number of the people followed who were in a state (<see cref="FollowUpRow.Item"/>) at the end of the year.</summary>
    Count = 1,

    /// <summary>What a payer (<see cref="FollowUpRow.Item"/>) spent on the cohort during the year, in the forecast's price year, + = the payer paid.</summary>
    Spending = 2,
}

/// <summary>One recorded fact of a follow-up.</summary>
/// <param name="Year">Calendar year.</param>
/// <param name="Measure">People, a count in a state, or spending of a payer.</param>
/// <param name="Item">The state (counts) or payer (spending); empty for people.</param>
/// <param name="Value">People and counts: a whole number ≥ 0; spending: an amount in the forecast's price year.</param>
/// <param name="Source">Where the figure comes from (register extract, accounts); required to be stated in files.</param>
public sealed record FollowUpRow(int Year, FollowUpMeasure Measure, string Item, double Value, string? Source);

/// <summary>What happened to one investment's cohort, year by year. Immutable.</summary>
public sealed class FollowUpTable
{
    /// <summary>Creates a follow-up table.</summary>
    /// <param name="investment">The investment followed (the forecast's strategy name).</param>
    /// <param name="rows">The rows (copied).</param>
    public FollowUpTable(string investment, IEnumerable<FollowUpRow> rows)
    {
        ArgumentNullException.ThrowIfNull(investment);
        ArgumentNullException.ThrowIfNull(rows);
        Investment = investment;
        Rows = [.. rows];
    }

    /// <summary>The investment followed.</summary>
    public string Investment { get; }

    /// <summary>The rows in order.</summary>
    public IReadOnlyList<FollowUpRow> Rows { get; }

    /// <summary>
    /// Every problem of the table against a forecast (row numbers 1-based): another investment, a
    /// year before the forecast's start year or after its last year, an unknown state or payer,
    /// a count that is not a whole number ≥ 0 or exceeds the people followed, a duplicate row.
    /// </summary>
    /// <param name="forecast">The forecast.</param>
    public IReadOnlyList<ValidationProblem> Check(InvestmentForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var problems = new List<ValidationProblem>();
        if (Investment != forecast.Investment)
        {
            problems.Add(new ValidationProblem("follow-up", $"The follow-up is of '{Investment}' but the forecast is of '{forecast.Investment}'."));
        }

        var seen = new Dictionary<(int, FollowUpMeasure, string), int>();
        for (var i = 0; i < Rows.Count; i++)
        {
            var r = Rows[i];
            var subject = $"follow-up row {i + 1}";
            if (r.Year < forecast.StartYear)
            {
                problems.Add(new ValidationProblem(subject, $"Year {r.Year} is before the forecast's start year {forecast.StartYear}: a follow-up records what happened after the forecast was made."));
            }
            else if (r.Year > forecast.LastYear)
            {
                problems.Add(new ValidationProblem(subject, $"Year {r.Year} is after the forecast's last year {forecast.LastYear}; make the forecast for more years."));
            }

            if (!Enum.IsDefined(r.Measure))
            {
                problems.Add(new ValidationProblem(subject, $"Unknown measure {(int)r.Measure}."));
                continue;
            }

            if (!double.IsFinite(r.Value))
            {
                problems.Add(new ValidationProblem(subject, $"The value must be a finite number (got {r.Value})."));
            }
            else if (r.Measure != FollowUpMeasure.Spending && (r.Value < 0 || r.Value != Math.Floor(r.Value)))
            {
                problems.Add(new ValidationProblem(subject, $"A number of people must be a whole number ≥ 0 (got {r.Value})."));
            }

            if (r.Measure == FollowUpMeasure.Count && InvestmentForecast.Find(forecast.States, r.Item) < 0)
            {
                problems.Add(new ValidationProblem(subject, $"State '{r.Item}' is not a state of the forecast ({string.Join(", ", forecast.States)})."));
            }

            if (r.Measure == FollowUpMeasure.Spending && InvestmentForecast.Find(forecast.Payers, r.Item) < 0)
            {
                problems.Add(new ValidationProblem(subject, $"Payer '{r.Item}' is not a payer of the forecast ({string.Join(", ", forecast.Payers)})."));
            }

            var key = (r.Year, r.Measure, r.Measure == FollowUpMeasure.People ? string.Empty : r.Item);
            if (!seen.TryAdd(key, i + 1))
            {
                problems.Add(new ValidationProblem(subject, $"Duplicate of row {seen[key]} (same year, measure and item)."));
            }
        }

        foreach (var year in Rows.Where(r => r.Measure == FollowUpMeasure.Count).Select(r => r.Year).Distinct())
        {
            var n = PeopleIn(year, forecast);
            var sum = Rows.Where(r => r.Year == year && r.Measure == FollowUpMeasure.Count).Sum(r => r.Value);
            if (n is null)
            {
                problems.Add(new ValidationProblem($"follow-up year {year}", $"The counts of {year} need the number of people followed (a people row): the forecast's cohort ({forecast.CohortSize}) is not a whole number."));
            }
            else if (sum > n)
            {
                problems.Add(new ValidationProblem($"follow-up year {year}", $"The counts of {year} add up to {sum}, more than the {n} people followed."));
            }
        }

        return problems;
    }

    /// <summary>People followed in a year: its people row, else the forecast's cohort size when it is a whole number.</summary>
    internal int? PeopleIn(int year, InvestmentForecast forecast)
    {
        var row = Rows.FirstOrDefault(r => r.Year == year && r.Measure == FollowUpMeasure.People);
        if (row is not null)
        {
            return (int)row.Value;
        }

        return forecast.CohortSize == Math.Floor(forecast.CohortSize) && forecast.CohortSize <= int.MaxValue ? (int)forecast.CohortSize : null;
    }
}

/// <summary>How an observation compares with the forecast's band.</summary>
public enum Deviation
{
    /// <summary>Inside the band.</summary>
    Within = 0,

    /// <summary>Above the band's upper end.</summary>
    Above = 1,

    /// <summary>Below the band's lower end.</summary>
    Below = 2,

    /// <summary>No band (a spending forecast without PSA draws).</summary>
    NoBand = 3,
}

/// <summary>Options of a follow-up comparison.</summary>
public sealed record FollowUpOptions
{
    /// <summary>Width of the bands (default 0.95).</summary>
    public double Interval { get; init; } = 0.95;

    /// <summary>
    /// Whether the likelihood uses only the latest year with counts (default false: every year, as if
    /// the years were independent samples, which overstates the information when the same people are
    /// counted every year; set true to be conservative).
    /// </summary>
    public bool LatestYearOnly { get; init; }

    /// <summary>Below this effective sample size (default 30) the updated figures are flagged as resting on too few draws.</summary>
    public double MinimumEffectiveSampleSize { get; init; } = 30;

    /// <summary>
    /// What counts as moving the belief, in prior standard deviations (default 0.2): a figure moved
    /// when its mean shifted by more than this many prior standard deviations (and by more than twice
    /// its Monte Carlo error), or its standard deviation shrank by more than this fraction. A convention
    /// of this library, not a statistical test: below it the data are "too few to move the belief".
    /// </summary>
    public double MaterialShift { get; init; } = 0.2;
}

/// <summary>Observed people in a state against the forecast.</summary>
/// <param name="Year">Calendar year (counted at its end).</param>
/// <param name="State">The state.</param>
/// <param name="People">People followed.</param>
/// <param name="Observed">People observed in the state.</param>
/// <param name="Expected">Expected number (base case, scaled to the people followed).</param>
/// <param name="Lower">Lower end of the predictive band: the 2.5 % quantile of the binomial counts mixed over the PSA draws (over the base case without draws).</param>
/// <param name="Upper">Upper end of the predictive band.</param>
/// <param name="Deviation">Where the observation lies against the band.</param>
/// <param name="Source">Source of the observation.</param>
public sealed record CountComparison(int Year, string State, int People, int Observed, double Expected, int Lower, int Upper, Deviation Deviation, string? Source);

/// <summary>Observed spending of a payer against the forecast (a named magnitude: + = the payer paid), and the gain it implies.</summary>
/// <param name="Year">Calendar year.</param>
/// <param name="Payer">The payer.</param>
/// <param name="Observed">Spent (price year of the forecast).</param>
/// <param name="Expected">Forecast spending under the investment (base case).</param>
/// <param name="Lower">2.5 % quantile of the draws' forecast spending (parameter uncertainty only); null without draws.</param>
/// <param name="Upper">97.5 % quantile; null without draws.</param>
/// <param name="Comparator">Modelled spending without the investment (the counterfactual, which cannot be observed).</param>
/// <param name="RealisedGain">Comparator − Observed: + = the payer is better off than without the investment (as modelled).</param>
/// <param name="ForecastGain">Comparator − Expected: the gain the forecast promised for the year.</param>
/// <param name="Deviation">Where the observation lies against the band.</param>
/// <param name="Source">Source of the observation.</param>
public sealed record SpendingComparison(int Year, string Payer, double Observed, double Expected, double? Lower, double? Upper, double Comparator, double RealisedGain, double ForecastGain, Deviation Deviation, string? Source);

/// <summary>A payer's gains so far: over the years with observed spending (undiscounted, price year; + = better off).</summary>
/// <param name="Payer">The payer.</param>
/// <param name="Years">Years with observed spending.</param>
/// <param name="Realised">Σ (comparator − observed).</param>
/// <param name="Forecast">Σ (comparator − forecast): what the forecast promised for the same years.</param>
public sealed record GainsSoFar(string Payer, int Years, double Realised, double Forecast);

/// <summary>A figure before and after the update, with its spread and Monte Carlo standard error.</summary>
/// <param name="Name">The figure (a perspective's lifetime NPV, or a parameter).</param>
/// <param name="PriorMean">Mean over the forecast's draws.</param>
/// <param name="PriorStandardDeviation">Standard deviation over the draws.</param>
/// <param name="PriorLower">2.5 % quantile.</param>
/// <param name="PriorUpper">97.5 % quantile.</param>
/// <param name="PriorStandardError">MCSE of the prior mean (sd/√draws).</param>
/// <param name="PosteriorMean">Importance-weighted mean.</param>
/// <param name="PosteriorStandardDeviation">Importance-weighted standard deviation.</param>
/// <param name="PosteriorLower">Weighted 2.5 % quantile.</param>
/// <param name="PosteriorUpper">Weighted 97.5 % quantile.</param>
/// <param name="PosteriorStandardError">MCSE of the weighted mean, <c>√(Σ wᵢ² (xᵢ − x̄_w)²)</c> with normalised weights (delta method for a self-normalised importance estimate).</param>
/// <param name="Moved">Whether the data moved the figure materially: the mean shifted by more than <see cref="FollowUpOptions.MaterialShift"/> prior standard deviations (and by more than twice its MCSE), or the standard deviation shrank by more than that fraction.</param>
public sealed record UpdatedFigure(string Name, double PriorMean, double PriorStandardDeviation, double PriorLower, double PriorUpper, double PriorStandardError, double PosteriorMean, double PosteriorStandardDeviation, double PosteriorLower, double PosteriorUpper, double PosteriorStandardError, bool Moved);

/// <summary>
/// The belief updated by the follow-up: the forecast's PSA draws re-weighted by the likelihood of the
/// observed counts (multinomial over the states counted and the rest, per year), with the effective
/// sample size <c>ESS = (Σw)²/Σw²</c>.
/// </summary>
public sealed class BeliefUpdate
{
    internal BeliefUpdate(double[] weights, double ess, IReadOnlyList<UpdatedFigure> npv, IReadOnlyList<UpdatedFigure> parameters, bool moved, bool tooFewDraws, string statement, int yearsUsed, double materialShift)
    {
        MaterialShift = materialShift;
        Weights = ReadOnly.Copy(weights);
        EffectiveSampleSize = ess;
        Npv = ReadOnly.Copy(npv);
        Parameters = ReadOnly.Copy(parameters);
        Moved = moved;
        TooFewEffectiveDraws = tooFewDraws;
        Statement = statement;
        YearsUsed = yearsUsed;
    }

    /// <summary>Normalised weights of the draws (sum 1), in draw order.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Draws.</summary>
    public int Draws => Weights.Count;

    /// <summary>Effective sample size of the weights (draws when the data say nothing, near 1 when one draw explains them).</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>
    /// What counted as moving the belief (<see cref="FollowUpOptions.MaterialShift"/> of the comparison): a mean shift
    /// of more than this many prior standard deviations, or a standard deviation shrunk by more than this fraction.
    /// </summary>
    public double MaterialShift { get; }

    /// <summary>Years of counts in the likelihood.</summary>
    public int YearsUsed { get; }

    /// <summary>Lifetime NPV by perspective (+ = better off), before and after.</summary>
    public IReadOnlyList<UpdatedFigure> Npv { get; }

    /// <summary>Every parameter that varies over the draws, before and after.</summary>
    public IReadOnlyList<UpdatedFigure> Parameters { get; }

    /// <summary>Whether any figure moved materially (<see cref="UpdatedFigure.Moved"/>).</summary>
    public bool Moved { get; }

    /// <summary>Whether the effective sample size is below the minimum (the updated figures rest on too few draws).</summary>
    public bool TooFewEffectiveDraws { get; }

    /// <summary>A plain statement of what the update shows (including when the data are too few to move the belief).</summary>
    public string Statement { get; }
}

/// <summary>The follow-up of an investment against its forecast.</summary>
public sealed class FollowUpComparison
{
    internal FollowUpComparison(InvestmentForecast forecast, IReadOnlyList<CountComparison> counts, IReadOnlyList<SpendingComparison> spending, IReadOnlyList<GainsSoFar> gains, BeliefUpdate? update, string updateStatement)
    {
        Forecast = forecast;
        Counts = ReadOnly.Copy(counts);
        Spending = ReadOnly.Copy(spending);
        Gains = ReadOnly.Copy(gains);
        Update = update;
        UpdateStatement = updateStatement;
    }

    /// <summary>The forecast compared with.</summary>
    public InvestmentForecast Forecast { get; }

    /// <summary>People in states, observed against expected, year and state order.</summary>
    public IReadOnlyList<CountComparison> Counts { get; }

    /// <summary>Spending by payer, observed against expected.</summary>
    public IReadOnlyList<SpendingComparison> Spending { get; }

    /// <summary>Gains realised so far by payer (payers with observed spending).</summary>
    public IReadOnlyList<GainsSoFar> Gains { get; }

    /// <summary>The updated belief; null when the forecast has no draws or the follow-up no counts.</summary>
    public BeliefUpdate? Update { get; }

    /// <summary>What the update shows, or why there is none.</summary>
    public string UpdateStatement { get; }

    /// <summary>Observations outside their band.</summary>
    public int DeviationCount => Counts.Count(c => c.Deviation is Deviation.Above or Deviation.Below) + Spending.Count(s => s.Deviation is Deviation.Above or Deviation.Below);
}

/// <summary>Compares a follow-up with its forecast and updates the belief.</summary>
public static class FollowUp
{
    /// <summary>Compares.</summary>
    /// <param name="forecast">The forecast made at the start.</param>
    /// <param name="table">What happened.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ModelValidationException">The table does not fit the forecast (every problem listed).</exception>
    public static FollowUpComparison Compare(InvestmentForecast forecast, FollowUpTable table, FollowUpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(table);
        options ??= new FollowUpOptions();
        if (!(options.Interval > 0 && options.Interval < 1))
        {
            throw new ArgumentException($"Interval must lie in (0, 1) (got {options.Interval}).", nameof(options));
        }

        var problems = table.Check(forecast);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var tail = (1 - options.Interval) / 2;
        var S = forecast.States.Count;
        var P = forecast.Payers.Count;
        var draws = forecast.Draws;
        var mixture = draws.Count > 0 ? draws : [forecast.BaseCase];

        var counts = new List<CountComparison>();
        foreach (var r in table.Rows.Where(r => r.Measure == FollowUpMeasure.Count).OrderBy(r => r.Year).ThenBy(r => InvestmentForecast.Find(forecast.States, r.Item)))
        {
            var k = forecast.YearIndex(r.Year);
            var s = InvestmentForecast.Find(forecast.States, r.Item);
            var n = table.PeopleIn(r.Year, forecast)!.Value;
            var shares = mixture.Select(d => Share(d.Counts[(k * S) + s], forecast.CohortSize)).ToArray();
            var (lo, hi) = MixtureBinomialBand(n, shares, tail);
            var observed = (int)r.Value;
            var expected = Share(forecast.BaseCase.Counts[(k * S) + s], forecast.CohortSize) * n;
            var deviation = observed < lo ? Deviation.Below : observed > hi ? Deviation.Above : Deviation.Within;
            counts.Add(new CountComparison(r.Year, r.Item, n, observed, expected, lo, hi, deviation, r.Source));
        }

        var spending = new List<SpendingComparison>();
        foreach (var r in table.Rows.Where(r => r.Measure == FollowUpMeasure.Spending).OrderBy(r => r.Year).ThenBy(r => InvestmentForecast.Find(forecast.Payers, r.Item)))
        {
            var k = forecast.YearIndex(r.Year);
            var j = InvestmentForecast.Find(forecast.Payers, r.Item);
            var scale = (table.PeopleIn(r.Year, forecast) ?? forecast.CohortSize) / forecast.CohortSize;
            var expected = forecast.BaseCase.Spending[(k * P) + j] * scale;
            var comparator = forecast.BaseCase.ComparatorSpending[(k * P) + j] * scale;
            double? lo = null, hi = null;
            var deviation = Deviation.NoBand;
            if (draws.Count > 0)
            {
                var sorted = draws.Select(d => d.Spending[(k * P) + j] * scale).Order().ToArray();
                lo = CaseloadLiability.Quantile(sorted, tail);
                hi = CaseloadLiability.Quantile(sorted, 1 - tail);
                deviation = r.Value < lo ? Deviation.Below : r.Value > hi ? Deviation.Above : Deviation.Within;
            }

            spending.Add(new SpendingComparison(r.Year, r.Item, r.Value, expected, lo, hi, comparator, comparator - r.Value, comparator - expected, deviation, r.Source));
        }

        var gains = spending.GroupBy(s => s.Payer)
            .OrderBy(g => InvestmentForecast.Find(forecast.Payers, g.Key))
            .Select(g => new GainsSoFar(g.Key, g.Count(), g.Sum(s => s.RealisedGain), g.Sum(s => s.ForecastGain)))
            .ToArray();

        BeliefUpdate? update = null;
        string statement;
        if (draws.Count == 0)
        {
            statement = "The forecast has no PSA draws, so the belief cannot be updated; make the forecast with draws.";
        }
        else if (counts.Count == 0)
        {
            statement = "The follow-up has no counts of people in states, so there is nothing to update the belief with.";
        }
        else
        {
            update = Reweight(forecast, table, options);
            statement = update.Statement;
        }

        return new FollowUpComparison(forecast, counts, spending, gains, update, statement);
    }

    private static double Share(double count, double size) => Math.Clamp(count / size, 0.0, 1.0);

    private static BeliefUpdate Reweight(InvestmentForecast forecast, FollowUpTable table, FollowUpOptions options)
    {
        var S = forecast.States.Count;
        var draws = forecast.Draws;
        var D = draws.Count;
        var years = table.Rows.Where(r => r.Measure == FollowUpMeasure.Count).Select(r => r.Year).Distinct().Order().ToList();
        if (options.LatestYearOnly)
        {
            years = [years[^1]];
        }

        // Multinomial log-likelihood up to a constant: Σ_categories k·log p (the rest of the people are one category).
        var logL = new double[D];
        foreach (var year in years)
        {
            var k = forecast.YearIndex(year);
            var n = table.PeopleIn(year, forecast)!.Value;
            var rows = table.Rows.Where(r => r.Year == year && r.Measure == FollowUpMeasure.Count).ToArray();
            var rest = n - rows.Sum(r => (int)r.Value);
            for (var d = 0; d < D; d++)
            {
                var sum = 0.0;
                var ll = 0.0;
                foreach (var r in rows)
                {
                    var p = Share(draws[d].Counts[(k * S) + InvestmentForecast.Find(forecast.States, r.Item)], forecast.CohortSize);
                    sum += p;
                    ll += LogTerm(r.Value, p);
                }

                ll += LogTerm(rest, Math.Max(0.0, 1.0 - sum));
                logL[d] += ll;
            }
        }

        var max = logL.Max();
        var w = new double[D];
        if (double.IsNegativeInfinity(max))
        {
            // No draw can produce the data: keep uniform weights and say so.
            Array.Fill(w, 1.0 / D);
            return new BeliefUpdate(w, 0, [], [], false, true, $"No draw of the forecast can produce the observed counts (each gives them probability 0): the model rules out what happened; check the data and the model before using the forecast.", years.Count, options.MaterialShift);
        }

        var total = 0.0;
        for (var d = 0; d < D; d++)
        {
            w[d] = Math.Exp(logL[d] - max);
            total += w[d];
        }

        var ss = 0.0;
        for (var d = 0; d < D; d++)
        {
            w[d] /= total;
            ss += w[d] * w[d];
        }

        var ess = 1.0 / ss;
        var npv = forecast.Perspectives.Select((name, v) => Figure($"NPV ({name})", draws.Select(x => x.Npv[v]).ToArray(), w, options.MaterialShift)).ToArray();
        var parameters = forecast.Parameters
            .Select((name, i) => (name, values: draws.Select(x => x.Parameters[i]).ToArray()))
            .Where(p => p.values.Any(v => v != p.values[0]))
            .Select(p => Figure(p.name, p.values, w, options.MaterialShift))
            .ToArray();
        var moved = npv.Concat(parameters).Any(f => f.Moved);
        var tooFew = ess < options.MinimumEffectiveSampleSize;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var yearsText = years.Count == 1 ? $"the counts of {years[0]}" : $"the counts of {years[0]}–{years[^1]}";
        string statement;
        if (tooFew)
        {
            statement = string.Create(c, $"The observed counts are far from what most draws predict: only {ess:0.#} effective draws of {D} remain after re-weighting by {yearsText}, too few to trust the updated figures; make the forecast with more draws (or check the data).");
        }
        else if (!moved)
        {
            statement = string.Create(c, $"The follow-up data are too few to move the belief: after re-weighting by {yearsText}, no updated mean moved by more than {options.MaterialShift:0.##} of a prior standard deviation and no spread shrank by more than {options.MaterialShift:P0} (effective sample size {ess:0} of {D} draws).");
        }
        else
        {
            var which = string.Join(", ", npv.Concat(parameters).Where(f => f.Moved).Select(f => string.Create(c, $"{f.Name} {f.PriorMean:0.###} → {f.PosteriorMean:0.###}")));
            statement = string.Create(c, $"The follow-up data move the belief: re-weighting the {D} draws by {yearsText} (effective sample size {ess:0}) changes {which}.");
        }

        return new BeliefUpdate(w, ess, npv, parameters, moved, tooFew, statement, years.Count, options.MaterialShift);
    }

    private static double LogTerm(double k, double p) => k == 0 ? 0.0 : p <= 0 ? double.NegativeInfinity : k * Math.Log(p);

    private static UpdatedFigure Figure(string name, double[] x, double[] w, double material)
    {
        var D = x.Length;
        var prior = CaseloadLiability.IntervalOf(x, 0.95);
        var priorSd = prior.StandardError * Math.Sqrt(D);
        var mean = 0.0;
        for (var d = 0; d < D; d++)
        {
            mean += w[d] * x[d];
        }

        var v = 0.0;
        var spread = 0.0;
        for (var d = 0; d < D; d++)
        {
            v += w[d] * w[d] * (x[d] - mean) * (x[d] - mean);
            spread += w[d] * (x[d] - mean) * (x[d] - mean);
        }

        var mcse = Math.Sqrt(v);
        var sd = Math.Sqrt(spread);
        var shift = Math.Abs(mean - prior.Mean);
        var moved = priorSd > 0 && ((shift > material * priorSd && shift > 2 * mcse) || sd < (1 - material) * priorSd);
        return new UpdatedFigure(name, prior.Mean, priorSd, prior.Lower, prior.Upper, prior.StandardError, mean, sd, WeightedQuantile(x, w, 0.025), WeightedQuantile(x, w, 0.975), mcse, moved);
    }

    /// <summary>The smallest value whose cumulative weight reaches q.</summary>
    internal static double WeightedQuantile(double[] x, double[] w, double q)
    {
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ThenBy(i => i).ToArray();
        var cum = 0.0;
        foreach (var i in order)
        {
            cum += w[i];
            if (cum >= q)
            {
                return x[i];
            }
        }

        return x[order[^1]];
    }

    /// <summary>The tail and 1 − tail quantiles of a uniform mixture of Binomial(n, pᵢ).</summary>
    internal static (int Lower, int Upper) MixtureBinomialBand(int n, double[] p, double tail)
    {
        // log C(n, k) by recursion, then the pmf of each component in log space (no underflow).
        var logC = new double[n + 1];
        for (var k = 1; k <= n; k++)
        {
            logC[k] = logC[k - 1] + Math.Log((double)(n - k + 1) / k);
        }

        var pmf = new double[n + 1];
        foreach (var pi in p)
        {
            for (var k = 0; k <= n; k++)
            {
                double lp;
                if (pi <= 0)
                {
                    lp = k == 0 ? 0 : double.NegativeInfinity;
                }
                else if (pi >= 1)
                {
                    lp = k == n ? 0 : double.NegativeInfinity;
                }
                else
                {
                    lp = logC[k] + (k * Math.Log(pi)) + ((n - k) * Math.Log(1 - pi));
                }

                pmf[k] += Math.Exp(lp) / p.Length;
            }
        }

        int lower = 0, upper = n;
        var cum = 0.0;
        var foundLower = false;
        for (var k = 0; k <= n; k++)
        {
            cum += pmf[k];
            if (!foundLower && cum >= tail)
            {
                lower = k;
                foundLower = true;
            }

            if (cum >= 1 - tail)
            {
                upper = k;
                break;
            }
        }

        return (lower, upper);
    }
}

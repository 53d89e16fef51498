using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A model described as data: the settings and the tables of a scenario folder. Immutable (the
/// lists are copied on initialisation) and compared by value, table by table and row by row, so a
/// scenario read back from the files it was written to equals the original. Turn it into a
/// runnable <see cref="LifeCourseModel"/> with <see cref="BuildModel()"/>.
/// </summary>
public sealed record Scenario
{
    private readonly IReadOnlyList<StateRow> _states = [];
    private readonly IReadOnlyList<PayerRow> _payers = [];
    private readonly IReadOnlyList<SectorRow> _sectors = [];
    private readonly IReadOnlyList<ParameterRow> _parameters = [];
    private readonly IReadOnlyList<TransitionRow> _transitions = [];
    private readonly IReadOnlyList<FlowRow> _flows = [];
    private readonly IReadOnlyList<PopulationRow> _population = [];
    private readonly IReadOnlyList<PriceIndexRow> _priceIndex = [];
    private readonly IReadOnlyList<InterventionRow> _interventions = [];
    private readonly IReadOnlyList<InterventionCostRow> _interventionCosts = [];
    private readonly IReadOnlyList<EffectRow> _effects = [];
    private readonly IReadOnlyList<StrategyRow> _strategies = [];

    /// <summary>The settings (manifest).</summary>
    public required ScenarioSettings Settings { get; init; }

    /// <summary>The states, in order.</summary>
    public IReadOnlyList<StateRow> States { get => _states; init => _states = [.. value]; }

    /// <summary>The payers.</summary>
    public IReadOnlyList<PayerRow> Payers { get => _payers; init => _payers = [.. value]; }

    /// <summary>The sectors.</summary>
    public IReadOnlyList<SectorRow> Sectors { get => _sectors; init => _sectors = [.. value]; }

    /// <summary>The named parameters.</summary>
    public IReadOnlyList<ParameterRow> Parameters { get => _parameters; init => _parameters = [.. value]; }

    /// <summary>The transitions by age band.</summary>
    public IReadOnlyList<TransitionRow> Transitions { get => _transitions; init => _transitions = [.. value]; }

    /// <summary>The flows and unit costs.</summary>
    public IReadOnlyList<FlowRow> Flows { get => _flows; init => _flows = [.. value]; }

    /// <summary>The population groups.</summary>
    public IReadOnlyList<PopulationRow> Population { get => _population; init => _population = [.. value]; }

    /// <summary>The price index (may be empty when every amount is in the scenario's price year).</summary>
    public IReadOnlyList<PriceIndexRow> PriceIndex { get => _priceIndex; init => _priceIndex = [.. value]; }

    /// <summary>The interventions.</summary>
    public IReadOnlyList<InterventionRow> Interventions { get => _interventions; init => _interventions = [.. value]; }

    /// <summary>The intervention costs.</summary>
    public IReadOnlyList<InterventionCostRow> InterventionCosts { get => _interventionCosts; init => _interventionCosts = [.. value]; }

    /// <summary>The intervention effects.</summary>
    public IReadOnlyList<EffectRow> Effects { get => _effects; init => _effects = [.. value]; }

    /// <summary>The strategies (rows of strategy, intervention).</summary>
    public IReadOnlyList<StrategyRow> Strategies { get => _strategies; init => _strategies = [.. value]; }

    /// <summary>Where each row came from (file, line); not part of equality.</summary>
    internal SourceMap? Source { get; init; }

    /// <summary>
    /// The model that <see cref="ScenarioReader"/>'s check built from this very instance, held weakly:
    /// <see cref="BuildModel(ModelLimits)"/> under the same limits right after reading returns it
    /// instead of building (and trial-compiling) the model a second time. A copy made with <c>with</c>
    /// carries the field but not the owner, so it builds its own. Not part of equality.
    /// </summary>
    private BuiltByReader? _built;

    private sealed record BuiltByReader(Scenario Owner, ModelLimits Limits, WeakReference<LifeCourseModel> Model);

    /// <summary>The strategy names in order of first appearance (the comparator first when it has no row).</summary>
    public IReadOnlyList<string> StrategyNames()
    {
        var names = Strategies.Select(s => s.Strategy).Distinct(StringComparer.Ordinal).ToList();
        if (!names.Contains(Settings.Comparator, StringComparer.Ordinal))
        {
            names.Insert(0, Settings.Comparator);
        }

        return names;
    }

    /// <inheritdoc/>
    public bool Equals(Scenario? other) => other is not null
        && Settings.Equals(other.Settings)
        && States.SequenceEqual(other.States) && Payers.SequenceEqual(other.Payers) && Sectors.SequenceEqual(other.Sectors)
        && Parameters.SequenceEqual(other.Parameters) && Transitions.SequenceEqual(other.Transitions) && Flows.SequenceEqual(other.Flows)
        && Population.SequenceEqual(other.Population) && PriceIndex.SequenceEqual(other.PriceIndex) && Interventions.SequenceEqual(other.Interventions)
        && InterventionCosts.SequenceEqual(other.InterventionCosts) && Effects.SequenceEqual(other.Effects) && Strategies.SequenceEqual(other.Strategies);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Settings, States.Count, Transitions.Count, Flows.Count, Interventions.Count, Strategies.Count);

    /// <summary>
    /// The perspectives named in <see cref="ScenarioSettings.Perspectives"/>: a payer name gives
    /// <see cref="Perspective.ForPayer"/>, <c>public</c> the public sector, <c>society</c>
    /// <see cref="Perspective.Society"/> with the scenario's tax financing cost, <c>individual</c>
    /// the individual payer, <c>resource-costs</c> real resource costs only.
    /// </summary>
    /// <exception cref="InvalidOperationException">A name is neither a payer nor a known perspective.</exception>
    public IReadOnlyList<Perspective> Perspectives()
    {
        var list = new List<Perspective>();
        var unknown = new List<string>();
        foreach (var name in Settings.Perspectives)
        {
            var p = ResolvePerspective(name);
            if (p is null)
            {
                unknown.Add(name);
            }
            else
            {
                list.Add(p);
            }
        }

        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"Unknown perspective(s): {string.Join(", ", unknown)}. Use a payer name ({string.Join(", ", Payers.Select(p => p.Name))}), public, society, individual or resource-costs.");
        }

        return list;
    }

    /// <summary>Whether a name is a payer or a known perspective (without constructing it, so a bad tax financing cost cannot throw here).</summary>
    internal bool IsKnownPerspective(string name)
        => Payers.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            || name.Trim().ToUpperInvariant() is "PUBLIC" or "PUBLIC-SECTOR" or "SOCIETY" or "INDIVIDUAL" or "RESOURCE-COSTS";

    internal Perspective? ResolvePerspective(string name)
    {
        var payer = Payers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (payer is not null)
        {
            return Perspective.ForPayer(new Payer(payer.Name, payer.IsPublic, payer.Parent));
        }

        return name.Trim().ToUpperInvariant() switch
        {
            "PUBLIC" or "PUBLIC-SECTOR" => Perspective.PublicSector,
            "SOCIETY" => Perspective.Society(Settings.TaxFinancingCost),
            "INDIVIDUAL" => Perspective.Individual,
            "RESOURCE-COSTS" => Perspective.ResourceCosts,
            _ => null,
        };
    }

    /// <summary>
    /// The parameter distributions of <see cref="Parameters"/> as a PSA specification for a model
    /// built from this scenario (<see cref="BuildModel()"/>). Each row with a univariate distribution
    /// becomes <see cref="PsaSpecification.With(ParameterRef, Distribution)"/> through
    /// <see cref="DistributionSpec.ToDistribution"/>, centred on the row's point value: a spread form
    /// (for example <c>gamma cv 0.25</c>) is built around the value, and an explicit form whose
    /// centre differs from the value (<see cref="DistributionSpec.ValidateAgainst"/>) is a problem,
    /// so the PSA always varies the parameter around the value the point run uses. Rows without a
    /// distribution keep their base value. A Dirichlet group is written as consecutive
    /// <c>dirichlet</c> rows with the same concentrations (α₁ … αₙ), one row per component in order
    /// (row i receives component i), for example the probabilities of leaving one state to each
    /// destination; a longer run of identical rows is split into groups of n; the point value of row
    /// i must equal αᵢ/Σα. Distributions are sampled in row order.
    /// </summary>
    /// <param name="model">The model, built from this scenario (possibly with other options).</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ScenarioFormatException">
    /// A distribution is invalid or not centred on its point value, a Dirichlet group is incomplete,
    /// or a parameter is not in the model; every problem is listed with the file and line of its row
    /// (<c>parameters.csv</c> when the scenario was not read from files).
    /// </exception>
    public PsaSpecification ToPsaSpecification(LifeCourseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ScenarioProblem>();
        var names = new HashSet<string>(model.Parameters.Select(p => p.Name), StringComparer.Ordinal);
        var spec = new PsaSpecification(model);
        foreach (var (group, message) in DistributionGroups(rowLevel: true))
        {
            if (message is not null)
            {
                problems.Add(DistributionProblem(group[0], message));
                continue;
            }

            var missing = group.Where(r => !names.Contains(r.Name)).ToArray();
            foreach (var r in missing)
            {
                problems.Add(DistributionProblem(r, $"not a parameter of the model '{model.Name}'."));
            }

            if (missing.Length > 0)
            {
                continue;
            }

            var d = group[0].Distribution!;
            try
            {
                spec = d.IsDirichlet
                    ? spec.WithDirichlet([.. group.Select(r => model.Parameter(r.Name))], d.ToDirichlet())
                    : spec.With(model.Parameter(group[0].Name), d.ToDistribution(group[0].Value));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                problems.Add(DistributionProblem(group[0], e.Message));
            }
        }

        if (problems.Count > 0)
        {
            throw new ScenarioFormatException(problems);
        }

        return spec;
    }

    /// <summary>
    /// The problems of Dirichlet groups (incomplete, or point values that are not the group's
    /// means αᵢ/Σα), which no single row shows; the reader reports them (row-level problems are
    /// reported by the row parser, with their column).
    /// </summary>
    internal IEnumerable<ScenarioProblem> DistributionGroupProblems()
        => DistributionGroups(rowLevel: false).Where(g => g.Message is not null).Select(g => DistributionProblem(g.Group[0], g.Message!));

    private ScenarioProblem DistributionProblem(ParameterRow row, string message)
    {
        var at = Source?.Find(row);
        return new ScenarioProblem(at?.File ?? ScenarioFiles.Parameters, at?.Line, null, "distribution", $"parameter '{row.Name}': {message}");
    }

    /// <summary>
    /// The rows with a distribution, as sampling units (one row, or the rows of a Dirichlet group),
    /// each with its first problem or null. <paramref name="rowLevel"/> includes the problems of a
    /// single row (invalid arguments, not centred on the value); otherwise rows with such problems
    /// are skipped and only group problems are given.
    /// </summary>
    private IEnumerable<(ParameterRow[] Group, string? Message)> DistributionGroups(bool rowLevel)
    {
        var rows = Parameters;
        var i = 0;
        while (i < rows.Count)
        {
            var row = rows[i];
            if (row.Distribution is not { } d)
            {
                i++;
                continue;
            }

            var invalid = d.IsDirichlet ? d.Validate() : d.ValidateAgainst(row.Value);
            if (invalid.Count > 0)
            {
                if (rowLevel)
                {
                    yield return ([row], string.Join(" ", invalid));
                }

                i++;
                continue;
            }

            if (!d.IsDirichlet)
            {
                yield return ([row], null);
                i++;
                continue;
            }

            var n = d.Arguments.Count;
            var j = i;
            while (j < rows.Count && j - i < n && rows[j].Distribution is { IsDirichlet: true } dj && dj.Arguments.SequenceEqual(d.Arguments))
            {
                j++;
            }

            if (j - i < n)
            {
                yield return ([row], string.Create(CultureInfo.InvariantCulture, $"the dirichlet group starting here has {n} concentrations but {j - i} consecutive row(s) with the same concentrations; write one row per component, in order, each with the full list of concentrations."));
                i = j;
                continue;
            }

            var group = rows.Skip(i).Take(n).ToArray();
            var sum = d.Arguments.Sum();
            var off = Enumerable.Range(0, n).Where(k => !DistributionSpec.IsCentred(d.Arguments[k] / sum, group[k].Value)).ToArray();
            yield return off.Length == 0
                ? (group, null)
                : (group, string.Join("; ", off.Select(k => string.Create(
                    CultureInfo.InvariantCulture,
                    $"component {k + 1} ('{group[k].Name}') has the point value {group[k].Value:G6} but the dirichlet mean {d.Arguments[k]:G6}/{sum:G6} = {d.Arguments[k] / sum:G6}, a difference of {group[k].Value - (d.Arguments[k] / sum):G6}"))) + "; the point values of a dirichlet group must be its means αᵢ/Σα (for example αᵢ = value × N for N observations).");
            i = j;
        }
    }

    /// <summary>
    /// Builds the runnable model: states, payers, sectors, parameters, transitions (age bands become
    /// piecewise-constant functions of age), flows (re-indexed to the price year through the price
    /// index), the population, the options (horizon, cycle length, counting, discounting) and one
    /// strategy per strategy name.
    /// </summary>
    /// <returns>The validated model.</returns>
    /// <exception cref="ModelValidationException">
    /// The model is invalid (unknown names, rows not summing to one, …); each problem's subject
    /// starts with <c>file:line:</c> of the offending row where the row can be found.
    /// </exception>
    public LifeCourseModel BuildModel() => BuildModel(ModelLimits.Default);

    /// <summary>Builds the runnable model (see <see cref="BuildModel()"/>) under the given limits, checked before anything is allocated by the model's size.</summary>
    /// <param name="limits">The model limits.</param>
    /// <returns>The validated model, whose <see cref="LifeCourseModel.DefinitionHash"/> is <see cref="ScenarioDocument.Hash"/> of this scenario.</returns>
    /// <remarks>
    /// <see cref="ScenarioReader"/> builds the model once to check the scenario; for the instance it
    /// returned, under the same <see cref="ModelLimits"/>, this returns that (immutable) model while it
    /// is still in memory instead of building and trial-compiling it again.
    /// </remarks>
    /// <exception cref="ModelValidationException">
    /// The model is invalid or breaks a limit. Each problem carries its subject as data
    /// (<see cref="ValidationProblem.Target"/>) and, for a scenario read from files, where it is
    /// (<see cref="ValidationProblem.Position"/>: file, line, column and field of the offending row or
    /// the scenario.json property); the subject text of a problem located on a row starts with
    /// <c>file:line:</c>.
    /// </exception>
    public LifeCourseModel BuildModel(ModelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (_built is { } built && ReferenceEquals(built.Owner, this) && built.Limits.Equals(limits) && built.Model.TryGetTarget(out var read))
        {
            return read;
        }

        var (model, problems) = TryBuildModel(limits);
        if (model is not null)
        {
            return model;
        }

        var index = Source?.IndexSubjects(this);
        throw new ModelValidationException(problems.Select(p =>
        {
            var at = ProblemLocator.Locate(this, p, index);
            if (at is null)
            {
                return p;
            }

            var onRow = at.Line is not null && at.File != Source!.ManifestFile;
            return onRow
                ? p with { Position = at, Subject = string.Create(CultureInfo.InvariantCulture, $"{at.File}:{at.Line}: {p.Subject}") }
                : p with { Position = at };
        }).ToArray());
    }

    /// <summary>
    /// The problems of the model the scenario describes, not located (empty when it builds). Called by
    /// the reader before the scenario is handed out; a model that builds is remembered (weakly) for
    /// <see cref="BuildModel(ModelLimits)"/>.
    /// </summary>
    internal IReadOnlyList<ValidationProblem> ModelProblems(ModelLimits limits)
    {
        var (model, problems) = TryBuildModel(limits);
        if (model is not null)
        {
            _built = new BuiltByReader(this, limits, new WeakReference<LifeCourseModel>(model));
        }

        return problems;
    }

    private (LifeCourseModel? Model, IReadOnlyList<ValidationProblem> Problems) TryBuildModel(ModelLimits limits)
    {
        var problems = new List<ValidationProblem>();
        var builder = ModelMapper.Map(this, problems).WithLimits(limits);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        try
        {
            builder.WithDefinitionHash(ScenarioDocument.Hash(this));
        }
        catch (ArgumentException)
        {
            // A number the document cannot hold (not finite): the model is built, but has no definition hash and cannot travel.
        }

        try
        {
            return (builder.Build(), []);
        }
        catch (ModelValidationException e)
        {
            return (null, e.Problems);
        }
    }
}

using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// A model described as data: the settings and the tables of a scenario folder. Immutable (the
/// lists are copied on initialisation) and compared by value, table by table and row by row, so a
/// scenario read back from the files it was written to equals the original. Turn it into a
/// runnable <see cref="LifeCourseModel"/> with <see cref="BuildModel"/>.
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
    public LifeCourseModel BuildModel()
    {
        var problems = new List<ValidationProblem>();
        var builder = ModelMapper.Map(this, problems);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        try
        {
            return builder.Build();
        }
        catch (ModelValidationException e)
        {
            throw new ModelValidationException(e.Problems.Select(p =>
            {
                var at = ProblemLocator.Locate(this, p);
                return at is null ? p : p with { Subject = string.Create(CultureInfo.InvariantCulture, $"{at.Value.File}:{at.Value.Line}: {p.Subject}") };
            }).ToArray());
        }
    }
}

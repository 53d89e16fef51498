using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>Cross-table checks: duplicate names, unknown references, settings.</summary>
internal static class ScenarioValidator
{
    public static void Validate(Scenario s, SourceMap map, IReadOnlySet<string> broken, ProblemList problems, ScenarioLimits limits)
    {
        var ml = limits.Model;
        void Add(object row, string field, string message)
        {
            var at = map.Find(row);
            problems.Add(new ScenarioProblem(at?.File ?? "scenario", at?.Line, at is null ? null : map.Column(at.Value.File, field), field, message));
        }

        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

        void Setting(string field, string message) => problems.Add(new ScenarioProblem(map.ManifestFile, null, null, field, message));

        HashSet<string> Unique<T>(IEnumerable<T> rows, Func<T, string> name, string what)
            where T : class
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in rows)
            {
                if (!set.Add(name(r)))
                {
                    Add(r, "name", $"The {what} name '{name(r)}' is used more than once; names must be unique.");
                }
            }

            return set;
        }

        var states = Unique(s.States, r => r.Name, "state");
        var payers = Unique(s.Payers, r => r.Name, "payer");
        var sectors = Unique(s.Sectors, r => r.Name, "sector");
        var parameters = Unique(s.Parameters, r => r.Name, "parameter");
        var interventions = Unique(s.Interventions, r => r.Name, "intervention");
        var years = new HashSet<int>();
        foreach (var r in s.PriceIndex)
        {
            if (!years.Add(r.Year))
            {
                Add(r, "year", $"The year {r.Year} appears more than once in the price index.");
            }
        }

        string Known(HashSet<string> set) => set.Count == 0 ? "none declared" : "known: " + string.Join(", ", set.Take(20));

        void State(object row, string field, string? name, bool allowAny = false)
        {
            if (name is not null && !broken.Contains("states") && !states.Contains(name) && !(allowAny && name == "*"))
            {
                Add(row, field, $"Unknown state '{name}' ({Known(states)}).");
            }
        }

        void Payer(object row, string field, string? name)
        {
            if (name is not null && !broken.Contains("payers") && !payers.Contains(name))
            {
                Add(row, field, $"Unknown payer '{name}' ({Known(payers)}).");
            }
        }

        void Sector(object row, string field, string? name)
        {
            if (name is not null && !broken.Contains("sectors") && !sectors.Contains(name))
            {
                Add(row, field, $"Unknown sector '{name}' ({Known(sectors)}).");
            }
        }

        void Parameter(object row, string field, string? name)
        {
            if (name is not null && !broken.Contains("parameters") && !parameters.Contains(name))
            {
                Add(row, field, $"Unknown parameter '{name}' ({Known(parameters)}).");
            }
        }

        void Intervention(object row, string field, string? name)
        {
            if (name is not null && !broken.Contains("interventions") && !interventions.Contains(name))
            {
                Add(row, field, $"Unknown intervention '{name}' ({Known(interventions)}).");
            }
        }

        void Year(object row, int? year)
        {
            if (year is int y && !broken.Contains("priceIndex") && y != s.Settings.PriceYear && !years.Contains(y))
            {
                Add(row, "price_year", $"The price year {y} differs from the scenario's price year {s.Settings.PriceYear} and the price index has no entry for it.");
            }
        }

        foreach (var r in s.Payers)
        {
            Payer(r, "parent", r.Parent);
        }

        foreach (var cycle in LifeCourseModelBuilder.PayerCycles(s.Payers.Select(p => (p.Name, p.Parent))))
        {
            var row = s.Payers.First(p => p.Name == cycle[0]);
            Add(row, "parent", cycle.Count == 1
                ? $"The payer '{cycle[0]}' is its own parent; a payer hierarchy must not loop (amounts would be counted twice)."
                : $"The parents loop: {string.Join(" → ", cycle.Append(cycle[0]))}; a payer hierarchy must not loop (amounts would be counted twice).");
        }

        foreach (var r in s.States.Where(r => r.TunnelCycles < 0))
        {
            Add(r, "tunnel_cycles", "Tunnel cycles must be ≥ 0.");
        }

        foreach (var r in s.States.Where(r => r.TunnelCycles > ml.MaxTunnelCycles))
        {
            Add(r, "tunnel_cycles", string.Create(CultureInfo.InvariantCulture, $"Tunnel cycles {r.TunnelCycles} exceed the limit of {ml.MaxTunnelCycles} (ModelLimits.MaxTunnelCycles)."));
        }

        var expanded = s.States.Sum(r => (long)Math.Max(1, r.TunnelCycles));
        if (expanded > ml.MaxExpandedStates && s.States.Count > 0)
        {
            Add(s.States.MaxBy(r => r.TunnelCycles)!, "tunnel_cycles", string.Create(CultureInfo.InvariantCulture, $"The states expand to {expanded} states when time in state is tracked, more than the limit of {ml.MaxExpandedStates} (ModelLimits.MaxExpandedStates)."));
        }

        foreach (var r in s.Transitions)
        {
            State(r, "from", r.From);
            State(r, "to", r.To);
            Parameter(r, "parameter", r.Parameter);
        }

        foreach (var g in s.Transitions.GroupBy(t => t.From))
        {
            var kinds = g.Where(t => t.Kind != TransitionValueKind.Remainder).Select(t => t.Kind).Distinct().ToArray();
            if (kinds.Length > 1)
            {
                Add(g.First(t => t.Kind != kinds[0]), "kind", $"The row of state '{g.Key}' mixes probabilities and rates; give all of its transitions as probabilities or all as rates.");
            }

            var remainders = g.Where(t => t.Kind == TransitionValueKind.Remainder).ToArray();
            if (remainders.Length > 1)
            {
                Add(remainders[1], "kind", $"The row of state '{g.Key}' has more than one remainder.");
            }
        }

        foreach (var g in s.Transitions.Where(t => t.Kind != TransitionValueKind.Remainder).GroupBy(t => (t.From, t.To)))
        {
            var bands = g.OrderBy(t => t.AgeFrom ?? double.NegativeInfinity).ToArray();
            for (var i = 1; i < bands.Length; i++)
            {
                if ((bands[i].AgeFrom ?? double.NegativeInfinity) < (bands[i - 1].AgeTo ?? double.PositiveInfinity))
                {
                    Add(bands[i], "age_from", $"The age band of {g.Key.From} → {g.Key.To} overlaps another band of the same transition.");
                }
            }
        }

        foreach (var r in s.Flows)
        {
            State(r, "state", r.State, allowAny: r.ToState is not null);
            State(r, "to_state", r.ToState);
            Payer(r, "payer", r.Payer);
            Sector(r, "sector", r.Sector);
            Parameter(r, "parameter", r.Parameter);
            Year(r, r.PriceYear);
        }

        foreach (var r in s.Population)
        {
            State(r, "state", r.State);
            if (r.StartAge < ml.MinStartAge || r.StartAge > ml.MaxStartAge)
            {
                Add(r, "start_age", $"The start age {F(r.StartAge)} is outside the model's age range [{F(ml.MinStartAge)}, {F(ml.MaxStartAge)}] (ModelLimits.MinStartAge, MaxStartAge).");
            }
        }

        if (s.Population.Count > 0 && !broken.Contains("population") && !(s.Population.Sum(r => Math.Max(0, r.Weight)) > 0))
        {
            Add(s.Population[0], "weight", "The population weights sum to zero; give at least one group a weight > 0.");
        }

        foreach (var r in s.Interventions)
        {
            foreach (var st in r.EligibleStates)
            {
                State(r, "eligible_states", st);
            }

            Parameter(r, "uptake_parameter", r.UptakeParameter);
        }

        foreach (var r in s.InterventionCosts)
        {
            Intervention(r, "intervention", r.Intervention);
            Payer(r, "payer", r.Payer);
            Sector(r, "sector", r.Sector);
            Parameter(r, "parameter", r.Parameter);
            Year(r, r.PriceYear);
            foreach (var st in r.States)
            {
                State(r, "states", st);
            }
        }

        foreach (var r in s.Effects)
        {
            Intervention(r, "intervention", r.Intervention);
            State(r, "from", r.From);
            State(r, "to", r.To);
            Payer(r, "payer", r.Payer);
            Sector(r, "sector", r.Sector);
            Parameter(r, "parameter", r.Parameter);
            if (r.Target == EffectTarget.Transition && r.From is not null && r.To is not null && !broken.Contains("transitions") && !broken.Contains("states")
                && !s.Transitions.Any(t => t.From == r.From && t.To == r.To && t.Kind != TransitionValueKind.Remainder))
            {
                Add(r, "to", $"The model has no transition {r.From} → {r.To} (given as a probability or rate) for the effect to change.");
            }
        }

        // Dirichlet groups: complete, and centred on the rows' point values (single rows are checked by the row parser).
        if (!broken.Contains("parameters"))
        {
            problems.AddRange(s.DistributionGroupProblems());
        }

        var memberships = new HashSet<(string, string?)>();
        foreach (var r in s.Strategies)
        {
            Intervention(r, "intervention", r.Intervention);
            if (!memberships.Add((r.Strategy, r.Intervention)))
            {
                Add(r, "intervention", $"The strategy '{r.Strategy}' lists '{r.Intervention}' more than once.");
            }
        }

        var st2 = s.Settings;
        if (st2.HorizonCycles < ModelLimits.MinCycles)
        {
            Setting("horizonCycles", string.Create(CultureInfo.InvariantCulture, $"The horizon must be at least {ModelLimits.MinCycles} cycle (got {st2.HorizonCycles})."));
        }
        else if (st2.HorizonCycles > ml.MaxCycles)
        {
            Setting("horizonCycles", string.Create(CultureInfo.InvariantCulture, $"The horizon of {st2.HorizonCycles} cycles exceeds the limit of {ml.MaxCycles} (ModelLimits.MaxCycles)."));
        }

        if (!(st2.CycleLengthYears > 0))
        {
            Setting("cycleLengthYears", $"The cycle length must be > 0 years (got {F(st2.CycleLengthYears)}).");
        }
        else if (st2.CycleLengthYears > ml.MaxCycleLengthYears)
        {
            Setting("cycleLengthYears", $"The cycle length of {F(st2.CycleLengthYears)} years exceeds the limit of {F(ml.MaxCycleLengthYears)} years (ModelLimits.MaxCycleLengthYears).");
        }
        else if (st2.HorizonCycles >= ModelLimits.MinCycles && st2.HorizonCycles <= ml.MaxCycles && st2.HorizonCycles * st2.CycleLengthYears > ml.MaxHorizonYears)
        {
            Setting("horizonCycles", $"The horizon of {st2.HorizonCycles} cycles of {F(st2.CycleLengthYears)} years ({F(st2.HorizonCycles * st2.CycleLengthYears)} years) exceeds the limit of {F(ml.MaxHorizonYears)} years (ModelLimits.MaxHorizonYears).");
        }

        if (!(st2.PopulationSize > 0))
        {
            Setting("populationSize", $"The population size must be > 0 (got {F(st2.PopulationSize)}).");
        }
        else if (st2.PopulationSize > ml.MaxPopulationSize)
        {
            Setting("populationSize", $"The population size {F(st2.PopulationSize)} exceeds the limit of {F(ml.MaxPopulationSize)} (ModelLimits.MaxPopulationSize).");
        }

        if (!(st2.TaxFinancingCost >= 0 && st2.TaxFinancingCost <= limits.MaxTaxFinancingCost))
        {
            Setting("taxFinancingCost", $"The tax financing cost must lie in [0, {F(limits.MaxTaxFinancingCost)}] (got {F(st2.TaxFinancingCost)}; R-109: {F(Perspective.DefaultTaxFinancingCost)}; ScenarioLimits.MaxTaxFinancingCost).");
        }

        if (!(st2.DiscountTimeOffsetYears >= 0))
        {
            Setting("discountTimeOffsetYears", "The discount time offset must be ≥ 0 years (trace point 0 cannot lie before the year discounted to).");
        }
        else if (st2.DiscountTimeOffsetYears > ml.MaxHorizonYears)
        {
            Setting("discountTimeOffsetYears", $"The discount time offset of {F(st2.DiscountTimeOffsetYears)} years exceeds the limit of {F(ml.MaxHorizonYears)} years (ModelLimits.MaxHorizonYears).");
        }

        if (Math.Abs(st2.DiscountStepsOffsetYears) > ml.MaxHorizonYears)
        {
            Setting("discountStepsOffsetYears", $"The discount steps offset of {F(st2.DiscountStepsOffsetYears)} years exceeds ±{F(ml.MaxHorizonYears)} years (ModelLimits.MaxHorizonYears).");
        }

        if (!ScenarioConventions.TryParseCounting(st2.Counting, out _, out var countingProblem))
        {
            Setting("counting", countingProblem);
        }

        foreach (var (field, preset) in new[] { ("costDiscounting", st2.CostDiscounting), ("outcomeDiscounting", st2.OutcomeDiscounting) })
        {
            if (!ScenarioConventions.TryParseDiscounting(preset, out var schedule, out var presetProblem))
            {
                Setting(field, presetProblem);
                continue;
            }

            foreach (var step in schedule.Steps)
            {
                if (ml.CheckDiscountRate(step.Rate) is string m)
                {
                    Setting(field, $"'{preset}': {m}");
                    break;
                }
            }
        }

        if (s.Strategies.Count > 0 && !s.Strategies.Any(r => r.Strategy == st2.Comparator))
        {
            Setting("comparator", $"The comparator '{st2.Comparator}' is not a strategy in the strategies table ({string.Join(", ", s.Strategies.Select(r => r.Strategy).Distinct())}).");
        }

        foreach (var p in st2.Perspectives.Where(p => !s.IsKnownPerspective(p)))
        {
            Setting("perspectives", $"Unknown perspective '{p}'. Use a payer name ({string.Join(", ", payers)}), public, society, individual or resource-costs.");
        }
    }
}

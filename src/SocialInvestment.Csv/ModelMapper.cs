using System.Globalization;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>Maps a <see cref="Scenario"/> onto the core <see cref="LifeCourseModelBuilder"/>.</summary>
internal static class ModelMapper
{
    public static LifeCourseModelBuilder Map(Scenario s, List<ValidationProblem> problems)
    {
        var st = s.Settings;
        var b = new LifeCourseModelBuilder(st.Name);
        foreach (var r in s.States)
        {
            b.AddState(r.Name, r.Absorbing, r.TunnelCycles);
        }

        var payers = new Dictionary<string, Payer>(StringComparer.Ordinal);
        foreach (var r in s.Payers)
        {
            var p = new Payer(r.Name, r.IsPublic, r.Parent);
            payers.TryAdd(r.Name, p);
            b.AddPayers(p);
        }

        var sectors = new Dictionary<string, Sector>(StringComparer.Ordinal);
        foreach (var r in s.Sectors)
        {
            var sec = new Sector(r.Name);
            sectors.TryAdd(r.Name, sec);
            b.AddSectors(sec);
        }

        var parameters = new Dictionary<string, ParameterRef>(StringComparer.Ordinal);
        foreach (var r in s.Parameters)
        {
            var pr = b.AddParameter(r.Name, r.Value, r.Description);
            parameters.TryAdd(r.Name, pr);
        }

        ParameterRef? Param(string? name, ProblemSubject target, string subject)
        {
            if (name is null)
            {
                return null;
            }

            if (parameters.TryGetValue(name, out var pr))
            {
                return pr;
            }

            problems.Add(new ValidationProblem(target, subject, $"Unknown parameter '{name}'.") { Member = "Parameter" });
            return null;
        }

        // Transitions: one function per (from, to, kind), piecewise constant in age.
        foreach (var group in s.Transitions.GroupBy(t => (t.From, t.To, t.Kind)))
        {
            var (from, to, kind) = group.Key;
            if (kind == TransitionValueKind.Remainder)
            {
                b.Remainder(from, to);
                continue;
            }

            var bands = group.Select(t => new Band(t.AgeFrom ?? double.NegativeInfinity, t.AgeTo ?? double.PositiveInfinity, t.Value ?? 1.0, Param(t.Parameter, ProblemSubject.Transition(from, to), $"transition {from} → {to}")?.Index ?? -1)).ToArray();
            ModelFunction f = (in ModelContext c) => Band.Evaluate(bands, in c);
            if (kind == TransitionValueKind.Rate)
            {
                b.Rate(from, to, f);
            }
            else
            {
                b.Probability(from, to, f);
            }
        }

        var flowNumber = 0;
        foreach (var r in s.Flows)
        {
            var subject = r.ToState is null ? $"flow in state '{r.State}'" : $"flow on {r.State} → {r.ToState}";
            var target = ProblemSubject.Flow(++flowNumber);
            if (!payers.TryGetValue(r.Payer, out var payer))
            {
                problems.Add(new ValidationProblem(target, subject, $"Unknown payer '{r.Payer}'.") { Member = nameof(Account.Payer) });
                continue;
            }

            if (!sectors.TryGetValue(r.Sector, out var sector))
            {
                problems.Add(new ValidationProblem(target, subject, $"Unknown sector '{r.Sector}'.") { Member = nameof(Account.Sector) });
                continue;
            }

            var bands = new[] { new Band(r.AgeFrom ?? double.NegativeInfinity, r.AgeTo ?? double.PositiveInfinity, r.Amount ?? 1.0, Param(r.Parameter, target, subject)?.Index ?? -1) };
            ModelFunction f = r.ToState is null
                ? (in ModelContext c) => FileUnits.PerCycle(Band.Evaluate(bands, in c), c.CycleLengthYears)
                : (in ModelContext c) => Band.Evaluate(bands, in c);
            var account = new Account(payer, sector, r.Kind);
            var def = r.ToState is null
                ? FlowDefinition.PerCycle(r.State, account, f)
                : FlowDefinition.OnTransition(r.State == "*" ? null : r.State, r.ToState, account, f);
            b.AddFlow(def with { PriceYear = r.PriceYear, RealGrowth = r.RealGrowth, Source = r.Source });
        }

        if (s.Population.Count > 0)
        {
            b.WithPopulation(new Population(s.Population.Select(p => new PopulationGroup(p.StartAge, p.State, p.Weight)), st.PopulationSize));
        }

        var index = s.PriceIndex.GroupBy(p => p.Year).ToDictionary(g => g.Key, g => g.First().Index);
        b.WithPriceYear(st.PriceYear, index.Count == 0 ? null : index);

        // The text grammar of conventions is read here, at the boundary; the core takes the typed values.
        var counting = Convention(ScenarioConventions.TryParseCounting(st.Counting, out var w, out var cp), w, cp, nameof(SimulationOptions.StateWeights));
        var costDiscounting = Convention(ScenarioConventions.TryParseDiscounting(st.CostDiscounting, out var cd, out var cdp), cd, cdp, nameof(SimulationOptions.CostDiscounting));
        var outcomeDiscounting = Convention(ScenarioConventions.TryParseDiscounting(st.OutcomeDiscounting, out var od, out var odp), od, odp, nameof(SimulationOptions.OutcomeDiscounting));
        if (counting is not null && costDiscounting is not null && outcomeDiscounting is not null)
        {
            b.WithOptions(new SimulationOptions
            {
                Cycles = st.HorizonCycles,
                CycleLengthYears = st.CycleLengthYears,
                StateWeights = counting,
                CostDiscounting = costDiscounting,
                OutcomeDiscounting = outcomeDiscounting,
                DiscountTimeOffsetYears = st.DiscountTimeOffsetYears,
                DiscountStepsOffsetYears = st.DiscountStepsOffsetYears,
            });
        }

        T? Convention<T>(bool known, T? value, string? problem, string option)
            where T : class
        {
            if (!known)
            {
                problems.Add(new ValidationProblem(ProblemSubject.Setting(option), "settings", problem!));
            }

            return value;
        }

        var interventions = new Dictionary<string, Intervention>(StringComparer.Ordinal);
        foreach (var r in s.Interventions)
        {
            var subject = $"intervention '{r.Name}'";
            var target = ProblemSubject.Intervention(r.Name);
            try
            {
                var ib = Intervention.Create(r.Name).OfKind(r.Kind).EligibleAges(r.MinAge ?? double.NegativeInfinity, r.MaxAge ?? double.PositiveInfinity);
                if (r.Description is not null)
                {
                    ib.Describe(r.Description);
                }

                if (r.EligibleStates.Count > 0)
                {
                    ib.EligibleIn([.. r.EligibleStates]);
                }

                ib.WithUptake(r.UptakeParameter is null ? Quantity.Constant(r.Uptake) : Q(null, r.UptakeParameter, target, subject));
                foreach (var c in s.InterventionCosts.Where(c => c.Intervention == r.Name))
                {
                    if (!payers.TryGetValue(c.Payer, out var payer) || !sectors.TryGetValue(c.Sector, out var sector))
                    {
                        problems.Add(new ValidationProblem(target, subject + " cost", $"Unknown payer '{c.Payer}' or sector '{c.Sector}'.") { Member = nameof(Intervention.Costs) });
                        continue;
                    }

                    var factor = 1.0;
                    if (c.PriceYear is int py && py != st.PriceYear)
                    {
                        if (c.Parameter is not null)
                        {
                            problems.Add(new ValidationProblem(target, subject + " cost", $"A cost given by a parameter must be in the scenario's price year {st.PriceYear} (got {py}).") { Member = nameof(Intervention.Costs) });
                        }
                        else if (!PriceIndexing.TryFactor(index, py, st.PriceYear, out factor))
                        {
                            problems.Add(new ValidationProblem(target, subject + " cost", $"The price index has no entry for {py} or {st.PriceYear}.") { Member = nameof(Intervention.Costs) });
                        }
                    }

                    var q = c.Parameter is null ? Quantity.Constant((c.Amount ?? 0) * factor) : Q(null, c.Parameter, target, subject);
                    var account = new Account(payer, sector, c.Kind);
                    if (c.Timing == CostTiming.Upfront)
                    {
                        ib.UpfrontCost(account, q);
                    }
                    else
                    {
                        // Files give a per-cycle cost per participant-year, the core per participant-cycle.
                        ib.CostPerCycle(account, FileUnits.PerCycle(q, st.CycleLengthYears), c.DurationYears, [.. c.States]);
                    }
                }

                foreach (var e in s.Effects.Where(e => e.Intervention == r.Name))
                {
                    var profile = Profile(e);
                    var q = Q(e.Value, e.Parameter, ProblemSubject.InterventionEffect(r.Name, e.From, e.To), subject);
                    if (e.Target == EffectTarget.Transition)
                    {
                        ib.AffectTransition(e.From ?? string.Empty, e.To ?? string.Empty, e.Measure, q, profile, e.Balance);
                    }
                    else
                    {
                        Payer? payer = e.Payer is null ? null : payers.GetValueOrDefault(e.Payer) ?? new Payer(e.Payer, false);
                        Sector? sector = e.Sector is null ? null : sectors.GetValueOrDefault(e.Sector) ?? new Sector(e.Sector);
                        ib.ScaleFlows(q, e.From, payer, sector, profile);
                    }
                }

                interventions[r.Name] = ib.Build();
            }
            catch (ArgumentException e)
            {
                problems.Add(new ValidationProblem(target, subject, Messages.Clean(e)));
            }
        }

        foreach (var name in s.StrategyNames())
        {
            var members = new List<Intervention>();
            foreach (var row in s.Strategies.Where(r => r.Strategy == name && r.Intervention is not null))
            {
                if (interventions.TryGetValue(row.Intervention!, out var iv))
                {
                    members.Add(iv);
                }
                else if (!s.Interventions.Any(i => i.Name == row.Intervention))
                {
                    problems.Add(new ValidationProblem(ProblemSubject.Strategy(name), $"strategy '{name}'", $"Unknown intervention '{row.Intervention}'."));
                }
            }

            b.AddStrategy(new Strategy(name, [.. members]));
        }

        return b;

        Quantity Q(double? value, string? parameter, ProblemSubject target, string subject)
        {
            if (parameter is null)
            {
                return Quantity.Constant(value ?? 0);
            }

            var pr = Param(parameter, target, subject);
            return pr is ParameterRef p ? Quantity.Of(p) : Quantity.Constant(0);
        }
    }

    internal static EffectProfile Profile(EffectRow e) => e.Profile switch
    {
        EffectProfileKind.Constant => EffectProfile.ConstantFor(e.ProfileYears ?? throw new ArgumentException("A constant profile needs profile_years.")),
        EffectProfileKind.Decay => EffectProfile.ExponentialDecay(e.ProfileYears ?? throw new ArgumentException("A decay profile needs profile_years (the half-life)."), e.ProfileUntil ?? 0),
        EffectProfileKind.Linear => EffectProfile.LinearDropOff(e.ProfileYears ?? throw new ArgumentException("A linear profile needs profile_years (full-effect years)."), e.ProfileUntil ?? throw new ArgumentException("A linear profile needs profile_until (years after which the effect is zero).")),
        _ => EffectProfile.Permanent,
    };

    /// <summary>An age band [From, To) with a value, optionally multiplied by a parameter.</summary>
    private readonly record struct Band(double From, double To, double Value, int Parameter)
    {
        public static double Evaluate(Band[] bands, in ModelContext c)
        {
            var age = c.Age;
            foreach (var band in bands)
            {
                if (age >= band.From - 1e-9 && age < band.To - 1e-9)
                {
                    return band.Parameter < 0 ? band.Value : band.Value * c.Parameters[band.Parameter];
                }
            }

            return 0.0;
        }
    }

    internal static string Fmt(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

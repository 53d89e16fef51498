using System.Diagnostics.CodeAnalysis;
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
            var f = new BandFunction(bands, perCycle: false).Function;
            if (kind == TransitionValueKind.Rate)
            {
                b.Rate(from, to, f);
            }
            else
            {
                b.Probability(from, to, f);
            }
        }

        // One flow per row. The subject texts are made only for a problem, and a row without a
        // parameter is its own amount function (the delegate's target is the row the scenario already
        // holds), so that a large table adds a flow definition and a delegate per row to the model, nothing more.
        var flowNumber = 0;
        foreach (var r in s.Flows)
        {
            ++flowNumber;
            if (!payers.TryGetValue(r.Payer, out var payer))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Flow(flowNumber), FlowSubject(r), $"Unknown payer '{r.Payer}'.") { Member = nameof(Account.Payer) });
                continue;
            }

            if (!sectors.TryGetValue(r.Sector, out var sector))
            {
                problems.Add(new ValidationProblem(ProblemSubject.Flow(flowNumber), FlowSubject(r), $"Unknown sector '{r.Sector}'.") { Member = nameof(Account.Sector) });
                continue;
            }

            ModelFunction f;
            if (r.Parameter is null)
            {
                f = r.ToState is null ? r.AmountPerCycle : r.AmountPerEvent;
            }
            else
            {
                var bands = new[] { new Band(r.AgeFrom ?? double.NegativeInfinity, r.AgeTo ?? double.PositiveInfinity, r.Amount ?? 1.0, Param(r.Parameter, ProblemSubject.Flow(flowNumber), FlowSubject(r))?.Index ?? -1) };
                f = new BandFunction(bands, perCycle: r.ToState is null).Function;
            }

            b.AddFlow(new FlowDefinition
            {
                Trigger = r.ToState is null ? FlowTrigger.StateOccupancy : FlowTrigger.TransitionEvent,
                FromState = r.ToState is not null && r.State == "*" ? null : r.State,
                ToState = r.ToState,
                Account = new Account(payer, sector, r.Kind),
                Amount = f,
                PriceYear = r.PriceYear,
                RealGrowth = r.RealGrowth,
                Source = r.Source,
            });
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
                    if (!TryProfile(e, out var profile, out var profileProblem))
                    {
                        problems.Add(new ValidationProblem(ProblemSubject.InterventionEffect(r.Name, e.From, e.To), subject, profileProblem) { Member = "Profile" });
                        continue;
                    }

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
                // A safety net only: the reader and the validator check every column the builder calls use.
                problems.Add(new ValidationProblem(target, subject, e.Message));
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

    /// <summary>
    /// The effect profile of an effects row, or why its columns do not make one. The columns are
    /// checked here against the rules of the core's <see cref="EffectProfile"/> factories before
    /// they are called, so the core never throws for file input and its exception text never reaches a user.
    /// </summary>
    internal static bool TryProfile(EffectRow e, [NotNullWhen(true)] out EffectProfile? profile, [NotNullWhen(false)] out string? problem)
    {
        profile = null;
        problem = e.Profile switch
        {
            EffectProfileKind.Constant => e.ProfileYears is not double y ? "A constant profile needs profile_years."
                : !(y > 0) ? $"profile_years must be a positive number of years (got {Fmt(y)})." : null,
            EffectProfileKind.Decay => e.ProfileYears is not double h ? "A decay profile needs profile_years (the half-life)."
                : !(h > 0) ? $"profile_years (the half-life) must be a positive number of years (got {Fmt(h)})."
                : e.ProfileUntil is double d && !(d >= 0) ? $"profile_until (the delay) must be ≥ 0 years (got {Fmt(d)})." : null,
            EffectProfileKind.Linear => e.ProfileYears is not double f ? "A linear profile needs profile_years (full-effect years)."
                : e.ProfileUntil is not double z ? "A linear profile needs profile_until (years after which the effect is zero)."
                : !(f >= 0) ? $"profile_years (full-effect years) must be ≥ 0 (got {Fmt(f)})."
                : !(z > f) ? $"profile_until ({Fmt(z)}) must be after profile_years ({Fmt(f)}): the effect must end after the full-effect period." : null,
            _ => null,
        };
        if (problem is not null)
        {
            return false;
        }

        profile = e.Profile switch
        {
            EffectProfileKind.Constant => EffectProfile.ConstantFor(e.ProfileYears!.Value),
            EffectProfileKind.Decay => EffectProfile.ExponentialDecay(e.ProfileYears!.Value, e.ProfileUntil ?? 0),
            EffectProfileKind.Linear => EffectProfile.LinearDropOff(e.ProfileYears!.Value, e.ProfileUntil!.Value),
            _ => EffectProfile.Permanent,
        };
        return true;
    }

    private static string FlowSubject(FlowRow r) => r.ToState is null ? $"flow in state '{r.State}'" : $"flow on {r.State} → {r.ToState}";

    /// <summary>An age band [From, To) with a value, optionally multiplied by a parameter.</summary>
    internal readonly record struct Band(double From, double To, double Value, int Parameter)
    {
        public static double Evaluate(Band[] bands, in ModelContext c)
        {
            var age = c.Age;
            foreach (var band in bands)
            {
                if (Contains(band.From, band.To, age))
                {
                    return band.Parameter < 0 ? band.Value : band.Value * c.Parameters[band.Parameter];
                }
            }

            return 0.0;
        }

        /// <summary>Whether <paramref name="age"/> lies in [from, to), with a tolerance of 1e-9 years for ages computed from cycles.</summary>
        public static bool Contains(double from, double to, double age) => age >= from - 1e-9 && age < to - 1e-9;
    }

    /// <summary>
    /// The model function of a scenario's age bands: in the band that holds the age, its value, or its value times
    /// its parameter; 0 outside every band; per cycle (times the cycle length) for an occupancy flow's amount per
    /// person-year. Where a band with a parameter applies, the value is of scaled form (<see cref="IScaledModelFunction"/>):
    /// <c>(parameter · value) · (cycle length or 1)</c>, the same operations, so a PSA computes its draws as vectors.
    /// </summary>
    internal sealed class BandFunction(Band[] bands, bool perCycle) : IScaledModelFunction
    {
        public ModelFunction Function => Evaluate;

        public bool TryScale(in ModelContext c, out int parameter, out double a, out double b)
        {
            var age = c.Age;
            foreach (var band in bands)
            {
                if (Band.Contains(band.From, band.To, age))
                {
                    parameter = band.Parameter;
                    a = band.Value;
                    b = perCycle ? c.CycleLengthYears : 1.0;
                    return band.Parameter >= 0;
                }
            }

            parameter = -1;
            a = b = 0;
            return false;
        }

        private double Evaluate(in ModelContext c) => perCycle ? FileUnits.PerCycle(Band.Evaluate(bands, in c), c.CycleLengthYears) : Band.Evaluate(bands, in c);
    }

    internal static string Fmt(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

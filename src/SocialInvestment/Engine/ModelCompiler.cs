using System.Globalization;
using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>Evaluates a model's functions once into the dense arrays of a <see cref="CompiledModel"/>.</summary>
internal static class ModelCompiler
{
    private const double Tolerance = 1e-9;

    private sealed class Row
    {
        public readonly List<(int To, TransitionValueKind Kind, ModelFunction? F)> Entries = [];
        public int RemainderTo = -1;
        public bool IsRate;
    }

    public static CompiledModel? Compile(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        void Report(ProblemSubject target, string subject, string message, int? cycle = null, double? age = null)
        {
            if (reported.Add(subject))
            {
                problems.Add(new ValidationProblem(target, subject, message) { Cycle = cycle, Age = age });
            }
        }

        if (parameters.Count != model.Parameters.Count)
        {
            Report(ProblemSubject.Of(ProblemKind.Parameter), "parameters", $"Expected {model.Parameters.Count} parameter values, got {parameters.Count}.");
            return null;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            if (!double.IsFinite(parameters[i]))
            {
                Report(ProblemSubject.Parameter(model.Parameters[i].Name), $"parameter '{model.Parameters[i].Name}'", $"The value must be finite (got {parameters[i]}).");
            }
        }

        var options = model.Options;
        var T = options.Cycles;
        var dt = options.CycleLengthYears;
        var states = model.States;
        var B = states.Count;
        var A = model.Accounts.Count;
        var L = 2 * A;
        var O = model.Outcomes.Count;
        var outcomeIndex = model.Outcomes.Select((o, i) => (o.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

        // Tunnel expansion.
        var entryOf = new int[B];
        var countOf = new int[B];
        var baseOf = new List<int>();
        var tisOf = new List<int>();
        for (var b = 0; b < B; b++)
        {
            entryOf[b] = baseOf.Count;
            countOf[b] = Math.Max(1, states[b].TunnelCycles);
            for (var tunnel = 0; tunnel < countOf[b]; tunnel++)
            {
                baseOf.Add(b);
                tisOf.Add(states[b].TunnelCycles > 0 ? tunnel : 0);
            }
        }

        var N = baseOf.Count;

        // Rows.
        var rows = new Row[B];
        for (var b = 0; b < B; b++)
        {
            rows[b] = new Row();
        }

        foreach (var t in model.Transitions)
        {
            var f = model.StateIndex(t.From);
            var to = model.StateIndex(t.To);
            if (t.Kind == TransitionValueKind.Remainder)
            {
                rows[f].RemainderTo = to;
            }
            else
            {
                rows[f].Entries.Add((to, t.Kind, t.Value));
                rows[f].IsRate |= t.Kind == TransitionValueKind.Rate;
            }
        }

        // Strategy pieces.
        var interventions = strategy.Interventions;
        var k = interventions.Count;
        if (k > LifeCourseModelBuilder.MaxInterventionsPerStrategy)
        {
            Report(ProblemSubject.Strategy(strategy.Name), $"strategy '{strategy.Name}'", $"A strategy may combine at most {LifeCourseModelBuilder.MaxInterventionsPerStrategy} interventions.");
            return null;
        }

        var uptake = new double[k];
        for (var i = 0; i < k; i++)
        {
            uptake[i] = interventions[i].Uptake.Evaluate(parameters);
            if (!(uptake[i] >= 0 && uptake[i] <= 1))
            {
                Report(ProblemSubject.Intervention(interventions[i].Name), $"intervention '{interventions[i].Name}' uptake", $"Uptake must lie in [0, 1] (got {uptake[i]}).");
            }

            foreach (var e in interventions[i].TransitionEffects)
            {
                if (!Enum.IsDefined(e.Scaling))
                {
                    Report(ProblemSubject.InterventionEffect(interventions[i].Name, e.From, e.To), $"intervention '{interventions[i].Name}' effect on {e.From} → {e.To}", $"Unknown effect scaling {(int)e.Scaling}; use EffectScaling.Power or EffectScaling.Linear.");
                }
            }

            foreach (var c in interventions[i].Costs)
            {
                if (model.AccountIndex(c.Account) < 0)
                {
                    Report(ProblemSubject.Intervention(interventions[i].Name), $"intervention '{interventions[i].Name}' cost", $"Account {c.Account} is not known to the model; register the strategy with AddStrategy so its accounts are included.");
                }
            }
        }

        if (problems.Count > 0)
        {
            return null;
        }

        // Weights and discount factors.
        var totalWeights = options.StateWeights.For(T);
        var stateWeights = options.StateWeights.OwnRowWeights(T);
        var previousWeights = options.StateWeights.PreviousRowWeights(T);
        var cycleShares = options.StateWeights.CycleShares(T);
        var eventWeights = new double[T + 1];
        for (var t = 1; t <= T; t++)
        {
            eventWeights[t] = options.TransitionEvents == TransitionEventWeighting.FollowStateWeights ? totalWeights[t] : 1.0;
        }

        var costDf = new double[T + 1];
        var outcomeDf = new double[T + 1];
        for (var t = 0; t <= T; t++)
        {
            var time = (t * dt) + options.DiscountTimeOffsetYears;
            costDf[t] = options.CostDiscounting.Factor(time, options.DiscountStepsOffsetYears);
            outcomeDf[t] = options.OutcomeDiscounting.Factor(time, options.DiscountStepsOffsetYears);
        }

        // Population by start age.
        var totalWeight = model.Population.Groups.Sum(g => g.Weight);
        var byAge = model.Population.Groups
            .GroupBy(g => g.StartAge)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var dist = new double[B];
                foreach (var pg in g)
                {
                    dist[model.StateIndex(pg.State)] += pg.Weight / totalWeight;
                }

                return (Age: g.Key, Dist: dist);
            })
            .ToArray();

        // Flow price factors.
        var flows = model.Flows;
        var priceFactor = new double[flows.Count];
        for (var i = 0; i < flows.Count; i++)
        {
            priceFactor[i] = 1.0;
            if (flows[i].PriceYear is int py && model.PriceYear is int mpy && py != mpy && model.PriceIndex is { } index)
            {
                priceFactor[i] = index[mpy] / index[py];
            }
        }

        // Occupancy flows and outcomes grouped by state, with their ledger/outcome index resolved once.
        var flowsByState = new List<(int Flow, int Account)>[B];
        var outcomesByState = new List<(ModelFunction Value, int Outcome, string Name, string State)>[B];
        for (var b = 0; b < B; b++)
        {
            flowsByState[b] = [];
            outcomesByState[b] = [];
        }

        for (var fi = 0; fi < flows.Count; fi++)
        {
            if (flows[fi].Trigger == FlowTrigger.StateOccupancy)
            {
                flowsByState[model.StateIndex(flows[fi].FromState!)].Add((fi, model.AccountIndex(flows[fi].Account)));
            }
        }

        foreach (var od in model.OutcomeDefinitions)
        {
            if (od.Trigger == FlowTrigger.StateOccupancy)
            {
                outcomesByState[model.StateIndex(od.FromState!)].Add((od.Value, outcomeIndex[od.Outcome.Name], od.Outcome.Name, od.FromState!));
            }
        }

        var subcohorts = new List<Subcohort>();
        foreach (var (age, dist) in byAge)
        {
            for (var mask = 0; mask < (1 << k); mask++)
            {
                var initial = new double[N];
                var mass = 0.0;
                for (var s = 0; s < B; s++)
                {
                    if (dist[s] == 0)
                    {
                        continue;
                    }

                    var p = 1.0;
                    for (var i = 0; i < k; i++)
                    {
                        // A mean-effect intervention is taken by every eligible person, at the weight of its uptake.
                        var e = Eligible(interventions[i], states[s], age) ? (interventions[i].UptakeMode == UptakeMode.MeanEffect ? 1.0 : uptake[i]) : 0.0;
                        p *= (mask & (1 << i)) != 0 ? e : 1 - e;
                    }

                    initial[entryOf[s]] = model.Population.Size * dist[s] * p;
                    mass += initial[entryOf[s]];
                }

                // Empty treatment patterns are skipped, but every start age keeps at least its untreated block.
                if (mass <= 0 && !(mask == (1 << k) - 1 && !subcohorts.Any(sc => sc.StartAge == age)))
                {
                    continue;
                }

                var activeIndex = Enumerable.Range(0, k).Where(i => (mask & (1 << i)) != 0).ToArray();
                var active = activeIndex.Select(i => interventions[i]).ToArray();
                var weights = activeIndex.Select(i => interventions[i].UptakeMode == UptakeMode.MeanEffect ? uptake[i] : 1.0).ToArray();
                subcohorts.Add(CompileSubcohort(age, mask, initial, mass, active, weights));
            }
        }

        if (problems.Count > 0)
        {
            return null;
        }

        return new CompiledModel(model, strategy, parameters, T, B, [.. baseOf], [.. tisOf], A, O, stateWeights, previousWeights, eventWeights, costDf, outcomeDf, [.. subcohorts]);

        // weights[i]: the weight of active[i]'s effects and costs (1, or its uptake under UptakeMode.MeanEffect).
        Subcohort CompileSubcohort(double startAge, int mask, double[] initial, double mass, Intervention[] active, double[] weights)
        {
            // Parameter values per trace point (parameter effects follow their profile).
            var paramsAt = new ParameterValues[T + 1];
            for (var t = 0; t <= T; t++)
            {
                paramsAt[t] = parameters;
                for (var a = 0; a < active.Length; a++)
                {
                    foreach (var pe in active[a].ParameterEffects)
                    {
                        var m = weights[a] * pe.Profile.Multiplier(t * dt);
                        var baseValue = paramsAt[t][pe.Parameter];
                        var target = pe.Value.Evaluate(parameters);
                        paramsAt[t] = paramsAt[t].With(pe.Parameter, baseValue + (m * (target - baseValue)));
                    }
                }
            }

            // Transition matrices.
            var P = new double[T * N * N];
            var q = new double[B];
            for (var t = 0; t < T; t++)
            {
                var tau = t * dt;
                for (var x = 0; x < N; x++)
                {
                    var b = baseOf[x];
                    var ctx = new ModelContext(t, dt, startAge, tisOf[x], paramsAt[t]);
                    if (states[b].IsAbsorbing)
                    {
                        P[(t * N * N) + (x * N) + x] = 1.0;
                        continue;
                    }

                    if (!ComputeRow(b, ctx, active, weights, tau, q))
                    {
                        continue;
                    }

                    for (var j = 0; j < B; j++)
                    {
                        if (q[j] == 0)
                        {
                            continue;
                        }

                        var y = j == b && states[b].TunnelCycles > 0
                            ? entryOf[b] + Math.Min(tisOf[x] + 1, countOf[b] - 1)
                            : entryOf[j];
                        P[(t * N * N) + (x * N) + y] += q[j];
                    }
                }
            }

            // Occupancy flows and outcomes.
            var hasFlowEffects = active.Any(iv => iv.FlowEffects.Count > 0);
            var outcomeEffectIn = new bool[B];
            for (var b = 0; b < B; b++)
            {
                outcomeEffectIn[b] = active.Any(iv => iv.OutcomeEffects.Any(oe => oe.State == states[b].Name));
            }

            var outcomeBase = new double[O];
            var outcomeWork = new double[O];
            var outcomeMix = new double[O];
            var F = new double[(T + 1) * N * L];
            var U = new double[(T + 1) * N * Math.Max(O, 1)];
            var upfront = new double[L];
            for (var t = 0; t <= T; t++)
            {
                var tau = t * dt;
                for (var x = 0; x < N; x++)
                {
                    var b = baseOf[x];
                    var ctx = new ModelContext(t, dt, startAge, tisOf[x], paramsAt[t]);
                    var rowOffset = ((t * N) + x) * L;
                    foreach (var (fi, account) in flowsByState[b])
                    {
                        var f = flows[fi];
                        var v = f.Amount(in ctx);
                        if (!double.IsFinite(v))
                        {
                            Report(ProblemSubject.Flow(fi + 1), $"flow {f.Account} in state '{f.FromState}'", $"The amount is not a finite number ({v}) at cycle {t} (age {Fmt(ctx.Age)}).", t, ctx.Age);
                            continue;
                        }

                        v *= priceFactor[fi];
                        if (f.RealGrowth != 0)
                        {
                            v *= Math.Pow(1 + f.RealGrowth, tau);
                        }

                        if (hasFlowEffects)
                        {
                            v *= FlowEffectFactor(active, weights, states[b].Name, f.Account, cycleShares[t], dt, paramsAt[t]);
                        }

                        F[rowOffset + account] += v;
                    }

                    for (var a = 0; a < active.Length; a++)
                    {
                        foreach (var c in active[a].Costs)
                        {
                            if (c.Timing != CostTiming.PerCycle || states[b].IsAbsorbing && c.States is null)
                            {
                                continue;
                            }

                            if (c.Ages is { } costAges && !costAges.Contains(ctx.Age))
                            {
                                continue;
                            }

                            if (c.States is not null && !c.States.Contains(states[b].Name))
                            {
                                continue;
                            }

                            var share = 1.0;
                            if (c.DurationYears is double d)
                            {
                                // The share of this trace point's weight that lies in cycles k with k·Δt < d.
                                share = 0.0;
                                foreach (var (cycle, part) in cycleShares[t])
                                {
                                    if (cycle * dt < d - Tolerance)
                                    {
                                        share += part;
                                    }
                                }

                                if (share == 0)
                                {
                                    continue;
                                }
                            }

                            F[rowOffset + A + model.AccountIndex(c.Account)] += (weights[a] == 1 ? share : weights[a] * share) * c.Amount.Evaluate(paramsAt[t]);
                        }
                    }

                    if (O == 0)
                    {
                        continue;
                    }

                    var uOffset = ((t * N) + x) * O;
                    foreach (var (value, o, outcomeName, stateName) in outcomesByState[b])
                    {
                        var v = value(in ctx);
                        if (!double.IsFinite(v))
                        {
                            Report(ProblemSubject.Of(ProblemKind.Outcome, outcomeName), $"outcome '{outcomeName}' in state '{stateName}'", $"The value is not a finite number ({v}) at cycle {t}.", t, ctx.Age);
                            continue;
                        }

                        U[uOffset + o] += v;
                    }

                    if (!outcomeEffectIn[b])
                    {
                        continue;
                    }

                    // The effects in each cycle the point belongs to, mixed by the shares.
                    var cell = U.AsSpan(uOffset, O);
                    cell.CopyTo(outcomeBase);
                    Array.Clear(outcomeMix);
                    foreach (var (cycle, part) in cycleShares[t])
                    {
                        outcomeBase.CopyTo(outcomeWork, 0);
                        for (var a = 0; a < active.Length; a++)
                        {
                            foreach (var oe in active[a].OutcomeEffects)
                            {
                                if (oe.State != states[b].Name)
                                {
                                    continue;
                                }

                                var o = outcomeIndex[oe.Outcome.Name];
                                var m = weights[a] * oe.Profile.Multiplier(cycle * dt);
                                var value = oe.Value.Evaluate(paramsAt[t]);
                                outcomeWork[o] = oe.Replace ? outcomeWork[o] + (m * (value - outcomeWork[o])) : outcomeWork[o] + (m * value);
                            }
                        }

                        for (var o = 0; o < O; o++)
                        {
                            outcomeMix[o] += part * outcomeWork[o];
                        }
                    }

                    outcomeMix.AsSpan().CopyTo(cell);
                }
            }

            for (var a = 0; a < active.Length; a++)
            {
                foreach (var c in active[a].Costs)
                {
                    if (c.Timing == CostTiming.Upfront && (c.Ages is null || c.Ages.Contains(startAge)))
                    {
                        upfront[A + model.AccountIndex(c.Account)] += weights[a] * mass * c.Amount.Evaluate(parameters);
                    }
                }
            }

            // Transition events.
            var evFrom = new List<int>();
            var evTo = new List<int>();
            var evLedger = new List<int>();
            var evDefs = new List<(ModelFunction F, double Price, double Growth, string Subject, int Flow)>();
            var oeFrom = new List<int>();
            var oeTo = new List<int>();
            var oeIndex = new List<int>();
            var oeDefs = new List<ModelFunction>();
            for (var fi = 0; fi < flows.Count; fi++)
            {
                var f = flows[fi];
                if (f.Trigger != FlowTrigger.TransitionEvent)
                {
                    continue;
                }

                foreach (var (x, y) in EventPairs(f.FromState, f.ToState!))
                {
                    evFrom.Add(x);
                    evTo.Add(y);
                    evLedger.Add(model.AccountIndex(f.Account));
                    evDefs.Add((f.Amount, priceFactor[fi], f.RealGrowth, $"flow {f.Account} on {f.FromState ?? "any"} → {f.ToState}", fi));
                }
            }

            foreach (var od in model.OutcomeDefinitions)
            {
                if (od.Trigger != FlowTrigger.TransitionEvent)
                {
                    continue;
                }

                foreach (var (x, y) in EventPairs(od.FromState, od.ToState!))
                {
                    oeFrom.Add(x);
                    oeTo.Add(y);
                    oeIndex.Add(outcomeIndex[od.Outcome.Name]);
                    oeDefs.Add(od.Value);
                }
            }

            var E = evFrom.Count;
            var eventAmounts = new double[T * Math.Max(E, 1)];
            var EO = oeFrom.Count;
            var eventOutcomes = new double[T * Math.Max(EO, 1)];
            for (var t = 0; t < T; t++)
            {
                for (var e = 0; e < E; e++)
                {
                    var ctx = new ModelContext(t, dt, startAge, tisOf[evFrom[e]], paramsAt[t]);
                    var (f, price, growth, subject, flow) = evDefs[e];
                    var v = f(in ctx) * price * (growth == 0 ? 1 : Math.Pow(1 + growth, (t + 1) * dt));
                    if (!double.IsFinite(v))
                    {
                        Report(ProblemSubject.Flow(flow + 1), subject, $"The amount is not a finite number ({v}) at cycle {t}.", t, ctx.Age);
                    }

                    eventAmounts[(t * E) + e] = v;
                }

                for (var e = 0; e < EO; e++)
                {
                    var ctx = new ModelContext(t, dt, startAge, tisOf[oeFrom[e]], paramsAt[t]);
                    eventOutcomes[(t * EO) + e] = oeDefs[e](in ctx);
                }
            }

            return new Subcohort
            {
                StartAge = startAge,
                TreatmentMask = mask,
                Initial = initial,
                P = P,
                StateFlows = F,
                StateOutcomes = U,
                EventFrom = [.. evFrom],
                EventTo = [.. evTo],
                EventLedger = [.. evLedger],
                EventAmounts = eventAmounts,
                OutcomeEventFrom = [.. oeFrom],
                OutcomeEventTo = [.. oeTo],
                OutcomeEventIndex = [.. oeIndex],
                OutcomeEventValues = eventOutcomes,
                Upfront = upfront,
            };
        }

        IEnumerable<(int X, int Y)> EventPairs(string? from, string to)
        {
            var j = model.StateIndex(to);
            for (var x = 0; x < N; x++)
            {
                var b = baseOf[x];
                if (from is null ? b == j : model.StateIndex(from) != b)
                {
                    continue;
                }

                var y = b == j && states[b].TunnelCycles > 0 ? entryOf[b] + Math.Min(tisOf[x] + 1, countOf[b] - 1) : entryOf[j];
                yield return (x, y);
            }
        }

        bool ComputeRow(int b, in ModelContext ctx, Intervention[] active, double[] weights, double tau, double[] q)
        {
            Array.Clear(q);
            var row = rows[b];
            var ok = true;
            var balance = row.RemainderTo >= 0 ? row.RemainderTo : b;
            foreach (var (to, kind, f) in row.Entries)
            {
                var v = f!(in ctx);
                string Subject() => $"transition {states[b].Name} → {states[to].Name}";
                ProblemSubject Target() => ProblemSubject.Transition(states[b].Name, states[to].Name);
                if (!double.IsFinite(v))
                {
                    Report(Target(), Subject(), $"The {(kind == TransitionValueKind.Rate ? "rate" : "probability")} is not a finite number ({v}) at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}).", ctx.Cycle, ctx.Age);
                    ok = false;
                    continue;
                }

                if (kind == TransitionValueKind.Rate)
                {
                    if (v < 0)
                    {
                        Report(Target(), Subject(), $"The rate {Fmt(v)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}) is negative.", ctx.Cycle, ctx.Age);
                        ok = false;
                        continue;
                    }

                    for (var a = 0; a < active.Length; a++)
                    {
                        foreach (var e in active[a].TransitionEffects)
                        {
                            if (e.From == states[b].Name && e.To == states[to].Name && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk
                                && (e.Ages is null || e.Ages.Contains(ctx.Age)))
                            {
                                var factor = ScaledRatio(e.Size.Evaluate(ctx.Parameters), e.Profile.Multiplier(tau), e.Scaling);
                                v *= weights[a] == 1 ? factor : 1 + (weights[a] * (factor - 1));
                            }
                        }
                    }
                }
                else if (v < -Tolerance || v > 1 + Tolerance)
                {
                    Report(Target(), Subject(), $"The probability {Fmt(v)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}) is outside [0, 1].", ctx.Cycle, ctx.Age);
                    ok = false;
                    continue;
                }

                q[to] += v;
            }

            if (!ok)
            {
                return false;
            }

            if (row.IsRate)
            {
                var total = 0.0;
                for (var j = 0; j < q.Length; j++)
                {
                    total += q[j];
                }

                var stay = Math.Exp(-total * dt);
                if (total > 0)
                {
                    var scale = -Numerics.ExpM1(-total * dt) / total;
                    for (var j = 0; j < q.Length; j++)
                    {
                        q[j] *= scale;
                    }
                }

                q[balance] += stay;
            }

            // The remainder first, so that effects see the whole row.
            if (row.RemainderTo >= 0 && !row.IsRate)
            {
                var others = 0.0;
                for (var j = 0; j < q.Length; j++)
                {
                    others += q[j];
                }

                q[row.RemainderTo] += 1 - others;
            }

            // Effects on probabilities (rate rows took their hazard and relative-risk effects above).
            for (var a = 0; a < active.Length; a++)
            {
                var iv = active[a];
                foreach (var e in iv.TransitionEffects)
                {
                    if (e.From != states[b].Name || (row.IsRate && e.Measure is EffectMeasure.HazardRatio or EffectMeasure.RelativeRisk)
                        || (e.Ages is not null && !e.Ages.Contains(ctx.Age)))
                    {
                        continue;
                    }

                    var to = model.StateIndex(e.To);
                    if (to == balance && row.RemainderTo >= 0)
                    {
                        Report(ProblemSubject.InterventionEffect(iv.Name, e.From, e.To), $"intervention '{iv.Name}' effect on {e.From} → {e.To}", "The effect targets the row's remainder, which is computed; put the effect on the other transitions.");
                        return false;
                    }

                    var size = e.Size.Evaluate(ctx.Parameters);
                    var m = e.Profile.Multiplier(tau);
                    var p = Math.Clamp(q[to], 0, 1);
                    var changed = e.Measure switch
                    {
                        EffectMeasure.RelativeRisk => p * ScaledRatio(size, m, e.Scaling),
                        EffectMeasure.HazardRatio => RateConversion.ApplyHazardRatio(p, ScaledRatio(size, m, e.Scaling)),
                        EffectMeasure.OddsRatio => RateConversion.ApplyOddsRatio(p, ScaledRatio(size, m, e.Scaling)),
                        _ => p + (m * size),
                    };
                    if (weights[a] != 1)
                    {
                        // Mean effect: the uptake-weighted mean of the takers' and the non-takers' probability.
                        changed = p + (weights[a] * (changed - p));
                    }
                    if (e.Balance == EffectBalance.Proportional && p < 1)
                    {
                        // Every other destination keeps its share of what is left: q_j' = q_j·(1 − p')/(1 − p).
                        var scale = (1 - changed) / (1 - p);
                        for (var j = 0; j < q.Length; j++)
                        {
                            if (j != to)
                            {
                                q[j] *= scale;
                            }
                        }
                    }
                    else
                    {
                        q[balance] -= changed - q[to];
                    }

                    q[to] = changed;
                }
            }

            var sum = 0.0;
            for (var j = 0; j < q.Length; j++)
            {
                if (q[j] < -Tolerance || q[j] > 1 + Tolerance || !double.IsFinite(q[j]))
                {
                    Report(ProblemSubject.TransitionRow(states[b].Name), $"row '{states[b].Name}'", $"The probability of {states[b].Name} → {states[j].Name} is {Fmt(q[j])} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}){(active.Length > 0 ? " after intervention effects" : "")}; it must lie in [0, 1].", ctx.Cycle, ctx.Age);
                    return false;
                }

                q[j] = Math.Clamp(q[j], 0, 1);
                sum += q[j];
            }

            if (Math.Abs(sum - 1) > 1e-6)
            {
                Report(ProblemSubject.TransitionRow(states[b].Name), $"row '{states[b].Name}'", $"The probabilities sum to {Fmt(sum)} at cycle {ctx.Cycle} (age {Fmt(ctx.Age)}), not 1; fix the values or add a remainder (Remainder(\"{states[b].Name}\", …)).", ctx.Cycle, ctx.Age);
                return false;
            }

            return true;
        }
    }

    /// <summary>
    /// The factor of the flow effects on one flow at a trace point: per cycle k the point belongs to,
    /// <c>Π_e (1 + m_e(k·Δt)·(M_e − 1))</c>, mixed by the cycle shares.
    /// </summary>
    private static double FlowEffectFactor(Intervention[] active, double[] weights, string state, Account account, (int Cycle, double Share)[] shares, double dt, ParameterValues parameters)
    {
        var factor = 0.0;
        var any = false;
        foreach (var (cycle, part) in shares)
        {
            var product = 1.0;
            for (var a = 0; a < active.Length; a++)
            {
                foreach (var fe in active[a].FlowEffects)
                {
                    if ((fe.State is null || fe.State == state) && (fe.Payer is null || fe.Payer == account.Payer) && (fe.Sector is null || fe.Sector == account.Sector))
                    {
                        any = true;
                        product *= 1 + (weights[a] * fe.Profile.Multiplier(cycle * dt) * (fe.Multiplier.Evaluate(parameters) - 1));
                    }
                }
            }

            factor += part * product;
        }

        return any ? factor : 1.0;
    }

    /// <summary>A ratio <c>x</c> at profile multiplier <c>m</c>: <c>x^m</c> (power) or <c>1 + m·(x − 1)</c> (linear).</summary>
    private static double ScaledRatio(double ratio, double m, EffectScaling scaling)
        => scaling == EffectScaling.Linear ? 1 + (m * (ratio - 1)) : Math.Pow(ratio, m);

    private static bool Eligible(Intervention iv, State state, double age)
        => !state.IsAbsorbing
           && (iv.EligibleStates is null || iv.EligibleStates.Contains(state.Name))
           && age >= iv.MinAge && age <= iv.MaxAge;

    private static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

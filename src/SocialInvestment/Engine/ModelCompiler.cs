using System.Globalization;
using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>Evaluates a model's functions once into the dense arrays of a <see cref="CompiledModel"/>.</summary>
internal static class ModelCompiler
{
    private const double Tolerance = 1e-9;

    public static CompiledModel? Compile(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        void Report(string subject, string message)
        {
            if (reported.Add(subject))
            {
                problems.Add(new ValidationProblem(subject, message));
            }
        }

        if (parameters.Count != model.Parameters.Count)
        {
            Report("parameters", $"Expected {model.Parameters.Count} parameter values, got {parameters.Count}.");
            return null;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            if (!double.IsFinite(parameters[i]))
            {
                Report($"parameter '{model.Parameters[i].Name}'", $"The value must be finite (got {parameters[i]}).");
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
        var rows = TransitionRowKernel.ForModel(model);

        // Strategy pieces.
        var interventions = strategy.Interventions;
        var k = interventions.Count;
        if (k > LifeCourseModelBuilder.MaxInterventionsPerStrategy)
        {
            Report($"strategy '{strategy.Name}'", $"A strategy may combine at most {LifeCourseModelBuilder.MaxInterventionsPerStrategy} interventions.");
            return null;
        }

        var uptake = new double[k];
        for (var i = 0; i < k; i++)
        {
            uptake[i] = interventions[i].Uptake.Evaluate(parameters);
            if (!(uptake[i] >= 0 && uptake[i] <= 1))
            {
                Report($"intervention '{interventions[i].Name}' uptake", $"Uptake must lie in [0, 1] (got {uptake[i]}).");
            }

            foreach (var e in interventions[i].TransitionEffects)
            {
                if (!Enum.IsDefined(e.Scaling))
                {
                    Report($"intervention '{interventions[i].Name}' effect on {e.From} → {e.To}", $"Unknown effect scaling {(int)e.Scaling}; use EffectScaling.Power or EffectScaling.Linear.");
                }
            }

            foreach (var c in interventions[i].Costs)
            {
                if (model.AccountIndex(c.Account) < 0)
                {
                    Report($"intervention '{interventions[i].Name}' cost", $"Account {c.Account} is not known to the model; register the strategy with AddStrategy so its accounts are included.");
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

                    if (!rows[b].Compute(model, ctx, dt, active, weights, tau, q, Report))
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
                            Report($"flow {f.Account} in state '{f.FromState}'", $"The amount is not a finite number ({v}) at cycle {t} (age {Fmt(ctx.Age)}).");
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
                            Report($"outcome '{outcomeName}' in state '{stateName}'", $"The value is not a finite number ({v}) at cycle {t}.");
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
            var evDefs = new List<(ModelFunction F, double Price, double Growth, string Subject)>();
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
                    evDefs.Add((f.Amount, priceFactor[fi], f.RealGrowth, $"flow {f.Account} on {f.FromState ?? "any"} → {f.ToState}"));
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
                    var (f, price, growth, subject) = evDefs[e];
                    var v = f(in ctx) * price * (growth == 0 ? 1 : Math.Pow(1 + growth, (t + 1) * dt));
                    if (!double.IsFinite(v))
                    {
                        Report(subject, $"The amount is not a finite number ({v}) at cycle {t}.");
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

    private static bool Eligible(Intervention iv, State state, double age)
        => !state.IsAbsorbing
           && (iv.EligibleStates is null || iv.EligibleStates.Contains(state.Name))
           && age >= iv.MinAge && age <= iv.MaxAge;

    private static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

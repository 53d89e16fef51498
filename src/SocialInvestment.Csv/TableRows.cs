using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>The columns of each table, in the order the writer writes them.</summary>
internal static class TableColumns
{
    private static ColumnSpec R(string n, string form) => new(n, true, form);

    private static ColumnSpec O(string n, string form) => new(n, false, form);

    public static readonly ColumnSpec[] States = [R("name", "a unique state name"), O("absorbing", "true or false"), O("tunnel_cycles", "a whole number ≥ 0"), O("description", "text")];
    public static readonly ColumnSpec[] Payers = [R("name", "a unique payer name"), R("public", "true or false"), O("parent", "a payer name"), O("description", "text")];
    public static readonly ColumnSpec[] Sectors = [R("name", "a unique sector name"), O("description", "text")];
    public static readonly ColumnSpec[] Parameters = [R("name", "a unique parameter name"), R("value", "the base value, a number"), O("distribution", "beta, gamma, lognormal, normal, truncnormal, uniform, triangular, dirichlet or fixed"), O("arguments", "the spread, centred on the value, as name-number pairs, e.g. 'cv 0.25' (see docs/uncertainty.md), or the distribution's numbers separated by spaces, e.g. '2 5'"), O("description", "text")];
    public static readonly ColumnSpec[] Transitions = [R("from", "a state name"), R("to", "a state name"), R("kind", "probability, rate or remainder"), O("age_from", "lower age, inclusive"), O("age_to", "upper age, exclusive"), O("value", "the probability per cycle or annual rate"), O("parameter", "a parameter name (multiplies value)"), O("source", "text")];
    public static readonly ColumnSpec[] Flows = [R("state", "a state name (or * for any state, event flows only)"), O("to_state", "empty for per-year flows; the state entered for event flows"), R("payer", "a payer name"), R("sector", "a sector name"), R("kind", "resource, transfer or production"), O("age_from", "lower age, inclusive"), O("age_to", "upper age, exclusive"), O("amount", "amount per person-year or per event, positive = cost to the payer"), O("parameter", "a parameter name (multiplies amount)"), O("price_year", "a year, e.g. 2023"), O("real_growth", "annual real growth, e.g. 0.01"), O("source", "text")];
    public static readonly ColumnSpec[] Population = [R("state", "a state name"), R("start_age", "age at the start, years"), R("weight", "a relative weight ≥ 0"), O("source", "text")];
    public static readonly ColumnSpec[] PriceIndex = [R("year", "a year"), R("index", "the index level, > 0"), O("source", "text")];
    public static readonly ColumnSpec[] Interventions = [R("name", "a unique intervention name"), O("kind", "preventive or repair"), O("eligible_states", "state names separated by spaces"), O("min_age", "lowest eligible age"), O("max_age", "highest eligible age"), O("uptake", "a share in [0, 1]"), O("uptake_parameter", "a parameter name"), O("description", "text")];
    public static readonly ColumnSpec[] InterventionCosts = [R("intervention", "an intervention name"), R("payer", "a payer name"), R("sector", "a sector name"), O("kind", "resource, transfer or production"), R("timing", "upfront or per-cycle"), O("amount", "amount per participant or per participant-year"), O("parameter", "a parameter name"), O("duration_years", "years the per-cycle cost lasts"), O("states", "state names separated by spaces"), O("price_year", "a year"), O("source", "text")];
    public static readonly ColumnSpec[] Effects = [R("intervention", "an intervention name"), R("target", "transition or flows"), O("from", "a state name"), O("to", "a state name"), O("payer", "a payer name"), O("sector", "a sector name"), O("measure", "rr, hr, or, absolute (transition effects)"), O("value", "the effect size"), O("parameter", "a parameter name"), O("profile", "permanent, constant, decay or linear"), O("profile_years", "years (constant), half-life (decay), full-effect years (linear)"), O("profile_until", "delay (decay) or zero-after years (linear)"), O("balance", "remainder or proportional (transition effects)"), O("source", "text")];
    public static readonly ColumnSpec[] Strategies = [R("strategy", "a strategy name"), O("intervention", "an intervention name, or empty")];

    public static ColumnSpec[] For(string key) => key switch
    {
        "states" => States,
        "payers" => Payers,
        "sectors" => Sectors,
        "parameters" => Parameters,
        "transitions" => Transitions,
        "flows" => Flows,
        "population" => Population,
        "priceIndex" => PriceIndex,
        "interventions" => Interventions,
        "interventionCosts" => InterventionCosts,
        "effects" => Effects,
        "strategies" => Strategies,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown table."),
    };
}

/// <summary>Parsers for the rows of each table, and the text forms of the enumerations.</summary>
internal static class TableRows
{
    public static readonly Dictionary<string, TransitionValueKind> TransitionKinds = new(StringComparer.Ordinal)
    {
        ["PROBABILITY"] = TransitionValueKind.Probability,
        ["RATE"] = TransitionValueKind.Rate,
        ["REMAINDER"] = TransitionValueKind.Remainder,
    };

    public static readonly Dictionary<string, FlowKind> FlowKinds = new(StringComparer.Ordinal)
    {
        ["RESOURCE"] = FlowKind.ResourceCost,
        ["RESOURCE-COST"] = FlowKind.ResourceCost,
        ["RESOURCECOST"] = FlowKind.ResourceCost,
        ["TRANSFER"] = FlowKind.Transfer,
        ["PRODUCTION"] = FlowKind.Production,
    };

    public static readonly Dictionary<string, InterventionKind> InterventionKinds = new(StringComparer.Ordinal)
    {
        ["PREVENTIVE"] = InterventionKind.Preventive,
        ["REPAIR"] = InterventionKind.Repair,
    };

    public static readonly Dictionary<string, CostTiming> Timings = new(StringComparer.Ordinal)
    {
        ["UPFRONT"] = CostTiming.Upfront,
        ["PER-CYCLE"] = CostTiming.PerCycle,
        ["PERCYCLE"] = CostTiming.PerCycle,
    };

    public static readonly Dictionary<string, EffectTarget> Targets = new(StringComparer.Ordinal)
    {
        ["TRANSITION"] = EffectTarget.Transition,
        ["FLOWS"] = EffectTarget.Flows,
    };

    public static readonly Dictionary<string, EffectMeasure> Measures = new(StringComparer.Ordinal)
    {
        ["RR"] = EffectMeasure.RelativeRisk,
        ["RELATIVE-RISK"] = EffectMeasure.RelativeRisk,
        ["HR"] = EffectMeasure.HazardRatio,
        ["HAZARD-RATIO"] = EffectMeasure.HazardRatio,
        ["OR"] = EffectMeasure.OddsRatio,
        ["ODDS-RATIO"] = EffectMeasure.OddsRatio,
        ["ABSOLUTE"] = EffectMeasure.AbsoluteChange,
    };

    public static readonly Dictionary<string, EffectBalance> Balances = new(StringComparer.Ordinal)
    {
        ["REMAINDER"] = EffectBalance.Remainder,
        ["PROPORTIONAL"] = EffectBalance.Proportional,
    };

    public static readonly Dictionary<string, EffectProfileKind> Profiles = new(StringComparer.Ordinal)
    {
        ["PERMANENT"] = EffectProfileKind.Permanent,
        ["CONSTANT"] = EffectProfileKind.Constant,
        ["DECAY"] = EffectProfileKind.Decay,
        ["LINEAR"] = EffectProfileKind.Linear,
    };

    public static string Text(TransitionValueKind k) => k.ToString().ToLowerInvariant();

    public static string Text(FlowKind k) => k switch { FlowKind.ResourceCost => "resource", FlowKind.Transfer => "transfer", _ => "production" };

    public static string Text(InterventionKind k) => k.ToString().ToLowerInvariant();

    public static string Text(CostTiming k) => k == CostTiming.Upfront ? "upfront" : "per-cycle";

    public static string Text(EffectTarget k) => k == EffectTarget.Transition ? "transition" : "flows";

    public static string Text(EffectMeasure k) => k switch { EffectMeasure.RelativeRisk => "rr", EffectMeasure.HazardRatio => "hr", EffectMeasure.OddsRatio => "or", _ => "absolute" };

    public static string Text(EffectProfileKind k) => k.ToString().ToLowerInvariant();

    public static string Text(EffectBalance k) => k.ToString().ToLowerInvariant();

    public static StateRow? State(RowCursor c)
        => new() { Name = c.Name("name", "a unique state name"), Absorbing = c.Bool("absorbing", false), TunnelCycles = c.Integer("tunnel_cycles", "a whole number ≥ 0") ?? 0, Description = c.Text("description") };

    public static PayerRow? Payer(RowCursor c)
    {
        var name = c.Name("name", "a unique payer name");
        if (c.Text("public") is null)
        {
            c.Problem("public", "A value is required: true for public budgets, false otherwise.");
        }

        return new() { Name = name, IsPublic = c.Bool("public", false), Parent = c.Text("parent"), Description = c.Text("description") };
    }

    public static SectorRow? Sector(RowCursor c) => new() { Name = c.Name("name", "a unique sector name"), Description = c.Text("description") };

    public static ParameterRow? Parameter(RowCursor c)
    {
        var name = c.Name("name", "a unique parameter name");
        var point = c.Number("value", "the base value", required: true);
        var value = point ?? 0;
        DistributionSpec? dist = null;
        var family = c.Text("distribution");
        var argsText = c.Text("arguments");
        if (argsText is not null && c.DecimalSeparator == ',')
        {
            // A table with decimal commas writes its distribution's numbers the same way.
            if (argsText.Contains('.', StringComparison.Ordinal))
            {
                c.Problem("arguments", $"'{argsText}' uses a decimal point, but this table is declared or detected as using decimal commas.");
                argsText = null;
            }
            else
            {
                argsText = argsText.Replace(',', '.');
            }
        }

        if (family is not null)
        {
            var parse = new List<string>();
            dist = DistributionSpec.Parse(family, argsText, parse);
            foreach (var p in parse)
            {
                c.Problem("arguments", p);
            }

            var structure = dist.Validate();
            foreach (var p in structure)
            {
                c.Problem("distribution", p);
            }

            // The distribution must be centred on the point value (docs/uncertainty.md); only checked when both are readable.
            if (parse.Count == 0 && structure.Count == 0 && point is double v)
            {
                foreach (var p in dist.ValidateAgainst(v))
                {
                    c.Problem("arguments", $"Parameter '{name}': {p}");
                }
            }
        }
        else if (argsText is not null)
        {
            c.Problem("arguments", "Arguments are given but no distribution; name the distribution or leave arguments empty.");
        }

        return new() { Name = name, Value = value, Distribution = dist, Description = c.Text("description") };
    }

    public static TransitionRow? Transition(RowCursor c)
    {
        var row = new TransitionRow
        {
            From = c.Name("from", "a state name"),
            To = c.Name("to", "a state name"),
            Kind = c.Choice("kind", TransitionKinds, TransitionValueKind.Probability, required: true),
            AgeFrom = c.Number("age_from", "lower age, inclusive"),
            AgeTo = c.Number("age_to", "upper age, exclusive"),
            Value = c.Number("value", "a probability per cycle or an annual rate"),
            Parameter = c.Text("parameter"),
            Source = c.Text("source"),
        };
        if (row.Kind == TransitionValueKind.Remainder)
        {
            if (row.Value is not null || row.Parameter is not null)
            {
                c.Problem("value", "A remainder takes the complement of the row; leave value and parameter empty.");
            }
        }
        else if (row.Value is null && row.Parameter is null && c.Text("value") is null)
        {
            c.Problem("value", "A probability or rate needs a value or a parameter.");
        }
        else if (row.Value is double v && row.Parameter is null)
        {
            if (row.Kind == TransitionValueKind.Probability && (v < 0 || v > 1))
            {
                c.Problem("value", $"The probability {ScenarioReader.Format(v)} is outside [0, 1].");
            }
            else if (row.Kind == TransitionValueKind.Rate && v < 0)
            {
                c.Problem("value", $"The rate {ScenarioReader.Format(v)} is negative; rates are ≥ 0.");
            }
        }

        CheckBand(c, row.AgeFrom, row.AgeTo);
        return row;
    }

    public static FlowRow? Flow(RowCursor c)
    {
        // Everything but the amount is pooled: the rows of a large table share it (FlowRow's remarks).
        var key = c.Pool(new FlowRowKey(
            c.Name("state", "a state name"),
            c.Text("to_state"),
            c.Name("payer", "a payer name"),
            c.Name("sector", "a sector name"),
            c.Choice("kind", FlowKinds, FlowKind.ResourceCost, required: true),
            c.Number("age_from", "lower age, inclusive"),
            c.Number("age_to", "upper age, exclusive"),
            c.Text("parameter"),
            c.Integer("price_year", "a year, e.g. 2023"),
            c.Number("real_growth", "annual real growth, e.g. 0.01") ?? 0,
            c.Text("source")));
        var row = new FlowRow(key, c.Number("amount", "an amount per person-year or per event"));
        if (row.Amount is null && row.Parameter is null && c.Text("amount") is null)
        {
            c.Problem("amount", "A flow needs an amount or a parameter.");
        }

        CheckBand(c, row.AgeFrom, row.AgeTo);
        return row;
    }

    public static PopulationRow? Population(RowCursor c)
    {
        var row = new PopulationRow { State = c.Name("state", "a state name"), StartAge = c.Number("start_age", "age at the start, years", required: true) ?? 0, Weight = c.Number("weight", "a relative weight ≥ 0", required: true) ?? 0, Source = c.Text("source") };
        if (row.Weight < 0)
        {
            c.Problem("weight", "The weight must be ≥ 0.");
        }

        return row;
    }

    public static PriceIndexRow? PriceIndex(RowCursor c)
    {
        var row = new PriceIndexRow { Year = c.Integer("year", "a year", required: true) ?? 0, Index = c.Number("index", "the index level", required: true) ?? 0, Source = c.Text("source") };
        if (row.Index <= 0 && c.Text("index") is not null && c.TryNumber(c.Text("index")!, out _))
        {
            c.Problem("index", "The index level must be > 0.");
        }

        return row;
    }

    public static InterventionRow? Intervention(RowCursor c)
    {
        var row = new InterventionRow
        {
            Name = c.Name("name", "a unique intervention name"),
            Kind = c.Choice("kind", InterventionKinds, InterventionKind.Preventive, required: false),
            EligibleStates = c.List("eligible_states"),
            MinAge = c.Number("min_age", "lowest eligible age"),
            MaxAge = c.Number("max_age", "highest eligible age"),
            Uptake = c.Number("uptake", "a share in [0, 1]") ?? 1,
            UptakeParameter = c.Text("uptake_parameter"),
            Description = c.Text("description"),
        };
        if (row.Uptake is < 0 or > 1)
        {
            c.Problem("uptake", "The uptake must lie in [0, 1].");
        }

        if (row.MinAge is double lo && row.MaxAge is double hi && hi < lo)
        {
            c.Problem("max_age", $"The highest eligible age ({ModelMapper.Fmt(hi)}) must be ≥ the lowest ({ModelMapper.Fmt(lo)}).");
        }

        return row;
    }

    public static InterventionCostRow? InterventionCost(RowCursor c)
    {
        var row = new InterventionCostRow
        {
            Intervention = c.Name("intervention", "an intervention name"),
            Payer = c.Name("payer", "a payer name"),
            Sector = c.Name("sector", "a sector name"),
            Kind = c.Choice("kind", FlowKinds, FlowKind.ResourceCost, required: false),
            Timing = c.Choice("timing", Timings, CostTiming.Upfront, required: true),
            Amount = c.Number("amount", "an amount"),
            Parameter = c.Text("parameter"),
            DurationYears = c.Number("duration_years", "years"),
            States = c.List("states"),
            PriceYear = c.Integer("price_year", "a year"),
            Source = c.Text("source"),
        };
        ExactlyOne(c, row.Amount, row.Parameter, "amount");
        if (row.Timing == CostTiming.Upfront && (row.DurationYears is not null || row.States.Count > 0))
        {
            c.Problem("timing", "An upfront cost takes no duration_years or states; use per-cycle.");
        }

        return row;
    }

    public static EffectRow? Effect(RowCursor c)
    {
        var target = c.Choice("target", Targets, EffectTarget.Transition, required: true);
        var row = new EffectRow
        {
            Intervention = c.Name("intervention", "an intervention name"),
            Target = target,
            From = c.Text("from"),
            To = c.Text("to"),
            Payer = c.Text("payer"),
            Sector = c.Text("sector"),
            Measure = c.Choice("measure", Measures, EffectMeasure.RelativeRisk, required: target == EffectTarget.Transition),
            Value = c.Number("value", "the effect size"),
            Parameter = c.Text("parameter"),
            Profile = c.Choice("profile", Profiles, EffectProfileKind.Permanent, required: false),
            ProfileYears = c.Number("profile_years", "years"),
            ProfileUntil = c.Number("profile_until", "years"),
            Source = c.Text("source"),
            Balance = c.Choice("balance", Balances, EffectBalance.Remainder, required: false),
        };
        ExactlyOne(c, row.Value, row.Parameter, "value");
        if (target == EffectTarget.Transition)
        {
            if (row.From is null || row.To is null)
            {
                c.Problem(row.From is null ? "from" : "to", "A transition effect needs from and to states.");
            }

            if (row.Payer is not null || row.Sector is not null)
            {
                c.Problem(row.Payer is not null ? "payer" : "sector", "A transition effect takes no payer or sector.");
            }

            if (row.Measure != EffectMeasure.AbsoluteChange && row.Value is < 0)
            {
                c.Problem("value", $"A {Text(row.Measure)} effect is a ratio and must be ≥ 0 (got {ScenarioReader.Format(row.Value.Value)}).");
            }
        }
        else
        {
            if (row.To is not null)
            {
                c.Problem("to", "A flows effect takes no 'to' state; name the state whose flows are scaled in 'from'.");
            }

            if (c.Text("measure") is string m && !m.Equals("rr", StringComparison.OrdinalIgnoreCase))
            {
                c.Problem("measure", "A flows effect is a multiplier; leave measure empty (or rr).");
            }
        }

        if (!ModelMapper.TryProfile(row, out _, out var profileProblem))
        {
            c.Problem("profile", profileProblem);
        }

        return row;
    }

    public static StrategyRow? Strategy(RowCursor c) => new() { Strategy = c.Name("strategy", "a strategy name"), Intervention = c.Text("intervention") };

    private static void ExactlyOne(RowCursor c, double? value, string? parameter, string column)
    {
        if ((value is null) == (parameter is null) && c.Text(column) is null == (parameter is null))
        {
            c.Problem(column, $"Give exactly one of {column} and parameter.");
        }
    }

    private static void CheckBand(RowCursor c, double? from, double? to)
    {
        if (from is double a && to is double b && !(a < b))
        {
            c.Problem("age_to", $"The age band [{ScenarioReader.Format(a)}, {ScenarioReader.Format(b)}) is empty; age_to must be greater than age_from.");
        }
    }
}

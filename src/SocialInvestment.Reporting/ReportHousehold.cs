using System.Globalization;
using ScottPlot;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Households;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Reporting;

/// <summary>What the household report shows.</summary>
/// <param name="All">Every household strategy on the same households; the first is the comparator.</param>
/// <param name="Perspectives">The perspectives to show (estimated in the run), the family's among them.</param>
/// <param name="PriceYear">The price year of the amounts, or null.</param>
public sealed record HouseholdReportInput(HouseholdComparison All, IReadOnlyList<Perspective> Perspectives, int? PriceYear)
{
    /// <summary>Each household type (template) run on its own: its name, its share of the households and its results.</summary>
    public IReadOnlyList<(string Type, double Share, HouseholdComparison Comparison)> ByType { get; init; } = [];

    /// <summary>States in which a member counts as placed out of home (families with a child placed); empty: not shown.</summary>
    public IReadOnlyList<string> PlacementStates { get; init; } = [];

    /// <summary>States in which a member counts as in work (adults in work); empty: not shown.</summary>
    public IReadOnlyList<string> WorkStates { get; init; } = [];

    /// <summary>Per strategy (in run order), the PV per household of what the family puts into the household interventions (its time), + = put in.</summary>
    public IReadOnlyList<double> FamilyInvested { get; init; } = [];

    /// <summary>The PSA over the household parameters (<see cref="HouseholdPsa"/>), or null: not shown.</summary>
    public HouseholdPsaResult? Uncertainty { get; init; }

    /// <summary>The investor's-view settlements with the family as a party (<see cref="HouseholdSettlement"/>), one per non-comparator strategy; empty: not shown.</summary>
    public IReadOnlyList<SettlementResult> Settlements { get; init; } = [];

    /// <summary>The report title.</summary>
    public string? Title { get; init; }

    /// <summary>The run's provenance line.</summary>
    public string? Provenance { get; init; }
}

/// <summary>
/// The household report (<c>socinv households</c>): the family's net position beside the
/// municipality, county and state; the change each household strategy makes per household, by
/// household type; families with a child placed and adults in work over the years; the links and
/// their sources. English or Norwegian bokmål; + = better off throughout.
/// </summary>
public static class HouseholdReport
{
    private static readonly int[] OutcomeYears = [0, 5, 10];

    /// <summary>Builds the report.</summary>
    /// <param name="input">The household results.</param>
    /// <param name="options">Culture, language, chart size; null for the defaults.</param>
    public static Report Build(HouseholdReportInput input, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new ReportOptions();
        options.Validate();
        var t = new HouseholdTexts(options);
        var c = options.Culture;
        var all = input.All;
        var d = all.Run.Definition;
        var money = t.Money(options.Currency, input.PriceYear);
        var family = d.FamilyPerspective;
        string Name(Perspective p) => p.Equals(family) ? t.F("family", p.Name) : p.Name;
        var blocks = new List<Block> { new HeadingBlock(1, input.Title ?? t["title"]) };
        blocks.Add(new HeadingBlock(2, t["sec"], "households"));
        blocks.Add(new ParagraphBlock(t.F("intro", all.Households.ToString("N0", c), d.Size.ToString("N0", c), d.Model.Options.Cycles, all.Results[0].Strategy.Name, money)));

        // The family's net position beside the public payers.
        var net = new Table([t["col.strategy"], t["col.perspective"], t.F("col.net", money), t.F("col.change", money), t["col.se"]], [false, false, true, true, true]);
        for (var k = 0; k < all.Results.Count; k++)
        {
            foreach (var p in input.Perspectives)
            {
                var e = all.Results[k].NetPositionPerHousehold(p);
                MonteCarloEstimate? ch = k == 0 ? null : all.IncrementalCost(k, p);
                net.Add(all.Results[k].Strategy.Name, Name(p), NumberFormat.Amount(e.Mean, c), ch is { } a ? NumberFormat.Amount(-a.Mean, c) : "–", ch is { } b ? NumberFormat.Amount(b.StandardError, c) : "–");
            }
        }

        net.Footnotes = [t["note.net"], t.F("note.se", all.Households.ToString("N0", c))];
        blocks.Add(new HeadingBlock(3, t["sec.net"]));
        blocks.Add(new TableBlock(net));
        if (input.FamilyInvested.Count == all.Results.Count)
        {
            blocks.Add(new ListBlock([.. all.Results.Select((r, k) => t.F("familyInvested", r.Strategy.Name, NumberFormat.Amount(input.FamilyInvested[k], c), money))]));
        }

        if (all.Results.Count > 1)
        {
            blocks.Add(new ChartBlock(new ReportChart(t["chart.net.title"], t.F("chart.net.caption", all.Results[^1].Strategy.Name, all.Results[0].Strategy.Name, money), "households-net-position.png", () => Charts.HouseholdChange(input, all.Results.Count - 1, options))));
        }

        // By household type.
        if (input.ByType.Count > 0 && all.Results.Count > 1)
        {
            blocks.Add(new HeadingBlock(3, t["sec.types"]));
            var types = new Table([t["col.type"], t["col.share"], t["col.strategy"], .. input.Perspectives.Select(p => t.F("col.changeBy", Name(p), money))], [false, true, false, .. input.Perspectives.Select(_ => true)]);
            foreach (var (type, share, comparison) in input.ByType)
            {
                for (var k = 1; k < comparison.Results.Count; k++)
                {
                    types.Add([type, NumberFormat.Percent(share, c), comparison.Results[k].Strategy.Name, .. input.Perspectives.Select(p => NumberFormat.Amount(-comparison.IncrementalCost(k, p).Mean, c))]);
                }
            }

            types.Footnotes = [t["note.types"]];
            blocks.Add(new TableBlock(types));
        }

        // Household outcomes.
        blocks.Add(new HeadingBlock(3, t["sec.outcomes"]));
        var outcomes = new Table([t["col.strategy"], t["col.outcome"], t["col.value"]], [false, false, true]);
        var T = d.Model.Options.Cycles;
        foreach (var r in all.Results)
        {
            foreach (var s in input.PlacementStates)
            {
                outcomes.Add(r.Strategy.Name, t.F("outcome.ever", s), NumberFormat.Percent(d.Roles.Max(role => r.ShareEverIn(role.Name, s).Mean), c));
            }

            foreach (var year in OutcomeYears.Where(y => y <= T))
            {
                if (input.WorkStates.Count > 0)
                {
                    outcomes.Add(r.Strategy.Name, t.F("outcome.work", year), (input.WorkStates.Sum(s => r.MembersInState(year, d.Roles[0].Name, s))).ToString("N2", c));
                }
            }

            foreach (var iv in r.Strategy.Interventions)
            {
                outcomes.Add(r.Strategy.Name, t.F("outcome.uptake", iv.Name), NumberFormat.Percent(r.ShareTakingUp(iv.Name), c));
            }
        }

        outcomes.Footnotes = [t.F("note.outcomes", d.Roles[0].Name)];
        blocks.Add(new TableBlock(outcomes));
        if (input.PlacementStates.Count > 0)
        {
            blocks.Add(new ChartBlock(new ReportChart(t["chart.placed.title"], t.F("chart.placed.caption", string.Join(", ", input.PlacementStates)), "households-placed.png", () => Charts.HouseholdsPlaced(input, options))));
        }

        // Who should compensate whom, the family as a party.
        foreach (var settlement in input.Settlements)
        {
            blocks.Add(new HeadingBlock(3, t.F("sec.settle", settlement.Ledger.Strategy)));
            var st = new Table([t["col.party"], t.F("col.putsIn", money), t.F("col.getsOut", money), t.F("col.before", money), t.F("col.receives", money), t.F("col.after", money)], [false, true, true, true, true, true]);
            foreach (var p in settlement.Positions)
            {
                var row = settlement.Ledger.Payer(p.Payer.Name);
                st.Add(p.Payer.Name == d.FamilyPayer.Name ? t.F("family", p.Payer.Name) : p.Payer.Name, NumberFormat.Amount(row.Invested, c), NumberFormat.Amount(row.Savings, c), NumberFormat.Amount(p.NetGainBefore, c), NumberFormat.Amount(p.Received, c), NumberFormat.Amount(p.NetGainAfter, c));
            }

            st.Footnotes = [t.F("note.settle", settlement.Plan.Name, settlement.Ledger.Comparator, d.Size.ToString("N0", c))];
            blocks.Add(new TableBlock(st));
        }

        // The PSA over the household parameters.
        if (input.Uncertainty is { } psa && psa.Strategies.Count > 1)
        {
            blocks.Add(new HeadingBlock(3, t["sec.psa"]));
            blocks.Add(new ParagraphBlock(t.F("psa.intro", psa.Draws.ToString("N0", c), psa.Psa.Specification.UncertainParameterCount, psa.Strategies[0].Name, money)));
            var u = new Table([t["col.strategy"], t["col.perspective"], t.F("col.base", money), t.F("col.mean", money), t.F("col.interval", money), t["col.pbetter"]], [false, false, true, true, true, true]);
            for (var k = 1; k < psa.Strategies.Count; k++)
            {
                foreach (var p in psa.Perspectives.Where(p => input.Perspectives.Contains(p)))
                {
                    var s = psa.ChangePerHousehold(k, p);
                    u.Add(psa.Strategies[k].Name, Name(p), NumberFormat.Amount(psa.BaseChangePerHousehold(k, p), c), NumberFormat.Amount(s.Mean, c), $"{NumberFormat.Amount(s.Lower, c)} – {NumberFormat.Amount(s.Upper, c)}", NumberFormat.Percent(psa.ProbabilityBetterOff(k, p), c));
                }
            }

            u.Footnotes = [t.F("note.psa", psa.Seed.ToString(CultureInfo.InvariantCulture)), t["note.psaBase"]];
            blocks.Add(new TableBlock(u));
        }

        // Links and their sources.
        if (d.Links.Count > 0)
        {
            blocks.Add(new HeadingBlock(3, t["sec.links"]));
            var links = new Table([t["col.role"], t["col.transition"], t["col.hr"], t["col.condition"], t["col.source"]], [false, false, true, false, false]);
            foreach (var l in d.Links)
            {
                links.Add(l.Role, $"{l.From} → {l.To}", l.HazardRatio.ToString("0.###", c) + (l.Parameter is { } lp ? $" × {lp}" : string.Empty), l.While.ToString(), l.Source ?? t["noSource"]);
            }

            links.Footnotes = [t["note.links"]];
            blocks.Add(new TableBlock(links));
        }

        if (!string.IsNullOrWhiteSpace(input.Provenance))
        {
            blocks.Add(new FooterBlock(input.Provenance));
        }

        return new Report(input.Title ?? t["title"], blocks, options.Language == ReportLanguage.NorwegianBokmal ? "nb" : "en", options.Threads);
    }
}

/// <content>The household charts.</content>
public static partial class Charts
{
    /// <summary>
    /// Bars: the change per household a strategy makes against the comparator from each perspective
    /// (the family's beside the municipality, county and state), PV in the report's currency at the
    /// price year, + = better off, with ±1.96 SE whiskers.
    /// </summary>
    /// <param name="input">The household results.</param>
    /// <param name="strategy">Index of the strategy (≥ 1).</param>
    /// <param name="options">Size, culture, language; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] HouseholdChange(HouseholdReportInput input, int strategy, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(strategy, 1);
        options ??= new ReportOptions();
        options.Validate();
        var t = new HouseholdTexts(options);
        var family = input.All.Run.Definition.FamilyPerspective;
        var est = input.Perspectives.Select(p => input.All.IncrementalCost(strategy, p)).ToArray();
        var values = est.Select(e => -e.Mean).ToArray();
        var (divisor, word) = NumberFormat.Scale(MaxAbs([values]));
        var unit = t.Money(word.Length == 0 ? options.Currency : Loc.For(options).F(word, options.Currency), input.PriceYear);
        var plot = NewPlot(t["chart.net.title"], t["axis.perspective"], t.F("axis.net", unit));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < values.Length; i++)
        {
            var p = input.Perspectives[i];
            ticks.AddMajor(i, p.Equals(family) ? t.F("family", p.Name) : p.Name);
            plot.Add.Bars(new[] { new Bar { Position = i, Value = values[i] / divisor, Error = 1.96 * est[i].StandardError / divisor, Size = 0.7, FillColor = palette.GetColor(p.Equals(family) ? 1 : 0) } });
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Add.HorizontalLine(0, 1, Zero);
        return Render(plot, options);
    }

    /// <summary>Lines per strategy: members in the placement states per household at each year (with one child per household: the share of families with a child placed).</summary>
    /// <param name="input">The household results (with <see cref="HouseholdReportInput.PlacementStates"/>).</param>
    /// <param name="options">Size, culture, language; null for the defaults.</param>
    /// <returns>The PNG image.</returns>
    public static byte[] HouseholdsPlaced(HouseholdReportInput input, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new ReportOptions();
        options.Validate();
        var t = new HouseholdTexts(options);
        var d = input.All.Run.Definition;
        var T = d.Model.Options.Cycles;
        var years = Math.Min(T, 12);
        var plot = NewPlot(t["chart.placed.title"], t["axis.year"], t["axis.placed"]);
        var palette = new ScottPlot.Palettes.Category10();
        for (var k = 0; k < input.All.Results.Count; k++)
        {
            var r = input.All.Results[k];
            var xs = Enumerable.Range(0, years + 1).Select(y => y * d.Model.Options.CycleLengthYears).ToArray();
            var ys = Enumerable.Range(0, years + 1).Select(y => 100 * d.Roles.Sum(role => input.PlacementStates.Sum(s => r.MembersInState(y, role.Name, s)))).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(k));
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = r.Strategy.Name;
        }

        plot.Axes.SetLimitsY(0, double.NaN);
        plot.ShowLegend(Edge.Bottom);
        return Render(plot, options);
    }
}

/// <summary>The household report's text in English and Norwegian bokmål (same keys and placeholders; tested).</summary>
internal sealed class HouseholdTexts(ReportOptions options)
{
    public static readonly IReadOnlyDictionary<string, string> English = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["title"] = "Families as the unit",
        ["sec"] = "Households: the family as co-investor",
        ["intro"] = "{0} simulated households (the totals stand for {1}), each followed for {2} cycles with its members' linked life courses, against {3}. Amounts are per household, present values in {4}; + = better off.",
        ["sec.net"] = "The family's net position beside the public payers",
        ["col.strategy"] = "Strategy",
        ["col.perspective"] = "Perspective",
        ["col.net"] = "Net position per household ({0}, + = gains)",
        ["col.change"] = "Change against the comparator ({0}, + = better off)",
        ["col.se"] = "Monte Carlo SE of the change",
        ["family"] = "the family ({0})",
        ["note.net"] = "Net position: minus the present value of what the perspective pays, so the family's is its earnings and benefits received less its taxes, co-payments and the value of its own time (+ = the family gains); a public payer's is mostly negative (it pays for services and benefits).",
        ["note.se"] = "Monte Carlo standard errors over {0} households (households are the unit, so the errors account for the dependence between members; the strategies share random numbers).",
        ["familyInvested"] = "{0}: the family puts in {1} per household ({2}, PV of its time given to the household interventions).",
        ["chart.net.title"] = "Who gains per household: the family beside the public payers",
        ["chart.net.caption"] = "Bars: the change per household '{0}' makes against '{1}' from each perspective, present value in {2}; + = better off; whiskers ±1.96 Monte Carlo SE.",
        ["axis.perspective"] = "perspective",
        ["axis.net"] = "change per household ({0}), PV\n+ = better off",
        ["sec.types"] = "Results by household type",
        ["col.type"] = "Household type",
        ["col.share"] = "Share of households",
        ["col.changeBy"] = "Change, {0} ({1})",
        ["note.types"] = "Each household type simulated on its own with the same seed; change per household against the comparator, present value, + = better off.",
        ["sec.outcomes"] = "Household outcomes",
        ["col.outcome"] = "Outcome",
        ["col.value"] = "Value",
        ["outcome.ever"] = "share of families ever with a member in {0}",
        ["outcome.work"] = "adults in work per household, year {0}",
        ["outcome.uptake"] = "share of households taking up {0}",
        ["note.outcomes"] = "Adults: members of the role '{0}'. Shares are of all simulated households.",
        ["chart.placed.title"] = "Families with a child placed, by year",
        ["chart.placed.caption"] = "Lines: members in {0} per 100 households at each year (with one child per household, the percentage of families with a child placed), by strategy.",
        ["axis.year"] = "years since the start",
        ["axis.placed"] = "placed per 100 households",
        ["sec.links"] = "Linked transitions and their sources",
        ["col.role"] = "Role",
        ["col.transition"] = "Transition",
        ["col.hr"] = "Hazard ratio",
        ["col.condition"] = "While",
        ["col.source"] = "Source",
        ["noSource"] = "no source given",
        ["note.links"] = "p' = 1 − (1 − p)^HR while the condition holds at the start of the year. Register studies give associations, not causal effects; ratios labelled illustrative are assumptions.",
        ["money"] = "{0}, {1} prices",
        ["sec.settle"] = "Who should compensate whom, the family as a party: {0}",
        ["col.party"] = "Party",
        ["col.putsIn"] = "Puts in ({0})",
        ["col.getsOut"] = "Gets out ({0})",
        ["col.before"] = "Net gain before ({0})",
        ["col.receives"] = "Receives ({0}, − = pays)",
        ["col.after"] = "Net gain after ({0})",
        ["note.settle"] = "Plan '{0}' against {1}, for the {2} households the totals stand for, present values; + = better off. Puts in: what the party invests (for the family, the value of its own time); gets out: what it saves or gains (for the family, its members' earnings and benefits received less taxes and co-payments). A settlement only moves money: the net gains sum to the same after as before. Rules without a payer list include the family beside every public payer.",
        ["sec.psa"] = "Uncertainty: the PSA over the household parameters",
        ["psa.intro"] = "{0} draws over {1} uncertain parameters (the members' model and the household numbers that name a parameter), each evaluated with the exact joint-state cohort of the households (no Monte Carlo error within a draw). Change per household against {2}, present value in {3}; + = better off.",
        ["col.base"] = "Base case ({0})",
        ["col.mean"] = "Mean over draws ({0})",
        ["col.interval"] = "95 % interval ({0})",
        ["col.pbetter"] = "Probability better off",
        ["note.psa"] = "Percentile interval (2.5 % and 97.5 %) over the draws; the probability is the share of draws in which the party is better off than under the comparator. Master seed {0}: the same seed gives the same draws on any number of threads.",
        ["note.psaBase"] = "Base case: the exact cohort at the parameters' base values, which the microsimulation above estimates with Monte Carlo error; the mean over draws differs from it where the model is not linear in the parameters.",
    };

    public static readonly IReadOnlyDictionary<string, string> Norwegian = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["title"] = "Familien som enhet",
        ["sec"] = "Husholdninger: familien som medinvestor",
        ["intro"] = "{0} simulerte husholdninger (totalene gjelder {1}), hver fulgt i {2} perioder med medlemmenes koblede livsløp, mot {3}. Beløpene er per husholdning, nåverdier i {4}; + = bedre ut.",
        ["sec.net"] = "Familiens nettoposisjon ved siden av de offentlige betalerne",
        ["col.strategy"] = "Strategi",
        ["col.perspective"] = "Perspektiv",
        ["col.net"] = "Nettoposisjon per husholdning ({0}, + = gevinst)",
        ["col.change"] = "Endring mot sammenligningsalternativet ({0}, + = bedre ut)",
        ["col.se"] = "Monte Carlo-standardfeil for endringen",
        ["family"] = "familien ({0})",
        ["note.net"] = "Nettoposisjon: minus nåverdien av det perspektivet betaler, slik at familiens er inntekt og mottatte ytelser minus skatt, egenandeler og verdien av egen tid (+ = familien tjener); en offentlig betalers er stort sett negativ (den betaler for tjenester og ytelser).",
        ["note.se"] = "Monte Carlo-standardfeil over {0} husholdninger (husholdningen er enheten, så feilene tar hensyn til avhengigheten mellom medlemmene; strategiene deler tilfeldige tall).",
        ["familyInvested"] = "{0}: familien legger inn {1} per husholdning ({2}, nåverdi av egen tid til husholdningstiltakene).",
        ["chart.net.title"] = "Hvem tjener per husholdning: familien ved siden av de offentlige betalerne",
        ["chart.net.caption"] = "Søyler: endringen per husholdning '{0}' gir mot '{1}' fra hvert perspektiv, nåverdi i {2}; + = bedre ut; feilstreker ±1,96 Monte Carlo-standardfeil.",
        ["axis.perspective"] = "perspektiv",
        ["axis.net"] = "endring per husholdning ({0}), nåverdi\n+ = bedre ut",
        ["sec.types"] = "Resultater etter husholdningstype",
        ["col.type"] = "Husholdningstype",
        ["col.share"] = "Andel av husholdningene",
        ["col.changeBy"] = "Endring, {0} ({1})",
        ["note.types"] = "Hver husholdningstype simulert for seg med samme frø; endring per husholdning mot sammenligningsalternativet, nåverdi, + = bedre ut.",
        ["sec.outcomes"] = "Utfall for husholdningene",
        ["col.outcome"] = "Utfall",
        ["col.value"] = "Verdi",
        ["outcome.ever"] = "andel familier som noen gang har et medlem i {0}",
        ["outcome.work"] = "voksne i arbeid per husholdning, år {0}",
        ["outcome.uptake"] = "andel husholdninger som tar imot {0}",
        ["note.outcomes"] = "Voksne: medlemmer med rollen '{0}'. Andelene er av alle simulerte husholdninger.",
        ["chart.placed.title"] = "Familier med et barn plassert, etter år",
        ["chart.placed.caption"] = "Linjer: medlemmer i {0} per 100 husholdninger hvert år (med ett barn per husholdning: prosent av familiene med et barn plassert), etter strategi.",
        ["axis.year"] = "år fra start",
        ["axis.placed"] = "plassert per 100 husholdninger",
        ["sec.links"] = "Koblede overganger og kildene deres",
        ["col.role"] = "Rolle",
        ["col.transition"] = "Overgang",
        ["col.hr"] = "Hasardratio",
        ["col.condition"] = "Så lenge",
        ["col.source"] = "Kilde",
        ["noSource"] = "ingen kilde oppgitt",
        ["note.links"] = "p' = 1 − (1 − p)^HR så lenge vilkåret gjelder ved starten av året. Registerstudier gir sammenhenger, ikke årsakseffekter; ratioer merket illustrative er antakelser.",
        ["money"] = "{0}, {1}-priser",
        ["sec.settle"] = "Hvem bør kompensere hvem, med familien som part: {0}",
        ["col.party"] = "Part",
        ["col.putsIn"] = "Legger inn ({0})",
        ["col.getsOut"] = "Får ut ({0})",
        ["col.before"] = "Nettogevinst før ({0})",
        ["col.receives"] = "Mottar ({0}, − = betaler)",
        ["col.after"] = "Nettogevinst etter ({0})",
        ["note.settle"] = "Plan '{0}' mot {1}, for de {2} husholdningene totalene gjelder, nåverdier; + = bedre ut. Legger inn: det parten investerer (for familien verdien av egen tid); får ut: det den sparer eller tjener (for familien medlemmenes inntekt og mottatte ytelser minus skatt og egenandeler). Et oppgjør flytter bare penger: nettogevinstene summerer seg til det samme etter som før. Regler uten betalerliste tar med familien ved siden av alle offentlige betalere.",
        ["sec.psa"] = "Usikkerhet: PSA over husholdningsparameterne",
        ["psa.intro"] = "{0} trekk over {1} usikre parametere (medlemmenes modell og husholdningstallene som viser til en parameter), hvert beregnet med den eksakte kohorten over husholdningenes felles tilstander (ingen Monte Carlo-feil innen et trekk). Endring per husholdning mot {2}, nåverdi i {3}; + = bedre ut.",
        ["col.base"] = "Basisberegning ({0})",
        ["col.mean"] = "Gjennomsnitt over trekk ({0})",
        ["col.interval"] = "95 %-intervall ({0})",
        ["col.pbetter"] = "Sannsynlighet for å komme bedre ut",
        ["note.psa"] = "Persentilintervall (2,5 % og 97,5 %) over trekkene; sannsynligheten er andelen trekk der parten kommer bedre ut enn med sammenligningsalternativet. Hovedfrø {0}: samme frø gir samme trekk på et hvilket som helst antall tråder.",
        ["note.psaBase"] = "Basisberegning: den eksakte kohorten ved parameternes basisverdier, som mikrosimuleringen over anslår med Monte Carlo-feil; gjennomsnittet over trekk avviker fra den der modellen ikke er lineær i parameterne.",
    };

    private readonly IReadOnlyDictionary<string, string> _table = options.Language == ReportLanguage.NorwegianBokmal ? Norwegian : English;

    public string this[string id] => _table[id];

    public string F(string id, params object?[] args) => string.Format(options.Culture, _table[id], args);

    public string Money(string unit, int? priceYear) => priceYear is int y ? F("money", unit, y.ToString(CultureInfo.InvariantCulture)) : unit;
}

using SocialInvestment.Model;

namespace SocialInvestment.Decisions;

/// <summary>One part of a liability movement: a named change of the liability, by payer.</summary>
/// <param name="Name">The part: <c>one year of costs</c>, <c>unwinding of the discount</c>, <c>exits</c>, <c>experience</c>, <c>new entrants</c>, <c>assumption changes</c>, <c>interventions</c>.</param>
/// <param name="Description">What the part measures.</param>
/// <param name="Persons">Persons the part concerns.</param>
/// <param name="ByPayer">Change of the payer's liability (PV, + = the liability grows: more future cost).</param>
/// <param name="Public">Change of the public liability (+ = grows).</param>
public sealed record MovementPart(string Name, string Description, int Persons, IReadOnlyList<PayerLiability> ByPayer, double Public);

/// <summary>
/// The analysis of change of a caseload liability between two register snapshots one model cycle
/// (a year for annual models) apart. In the model's currency and price year; every figure is a
/// change of a liability (a named magnitude, + = more future cost, − = less). The parts add up
/// exactly (up to floating-point rounding) to the actual change:
/// <c>Closing − Opening = Σ Parts</c>. Immutable.
/// </summary>
public sealed class LiabilityMovementResult
{
    internal LiabilityMovementResult(IReadOnlyList<Payer> payers, double[] opening, double[] expected, double[] closing, IReadOnlyList<MovementPart> parts, int? priceYear, string? openingLabel, string? closingLabel, string closingStrategy)
    {
        Payers = ReadOnly.Copy(payers);
        OpeningByPayer = ReadOnly.Copy(Lines(payers, opening));
        ExpectedClosingByPayer = ReadOnly.Copy(Lines(payers, expected));
        ClosingByPayer = ReadOnly.Copy(Lines(payers, closing));
        Opening = opening[^1];
        ExpectedClosing = expected[^1];
        Closing = closing[^1];
        Parts = ReadOnly.Copy(parts);
        PriceYear = priceYear;
        OpeningLabel = openingLabel;
        ClosingLabel = closingLabel;
        ClosingStrategy = closingStrategy;
    }

    /// <summary>The payers (order of every by-payer list).</summary>
    public IReadOnlyList<Payer> Payers { get; }

    /// <summary>Price year of all amounts, or null.</summary>
    public int? PriceYear { get; }

    /// <summary>Label of the opening snapshot.</summary>
    public string? OpeningLabel { get; }

    /// <summary>Label of the closing snapshot.</summary>
    public string? ClosingLabel { get; }

    /// <summary>The strategy the closing liability is projected under.</summary>
    public string ClosingStrategy { get; }

    /// <summary>Public liability of the opening register under the opening model and business as usual.</summary>
    public double Opening { get; }

    /// <summary>Expected public liability a cycle later of the opening persons (the model's expectation: costs of the year paid, discount unwound, expected transitions, no new entrants).</summary>
    public double ExpectedClosing { get; }

    /// <summary>Public liability of the closing register under the closing model and strategy.</summary>
    public double Closing { get; }

    /// <summary>The expected change, <see cref="ExpectedClosing"/> − <see cref="Opening"/> (the ageing parts).</summary>
    public double ExpectedChange => ExpectedClosing - Opening;

    /// <summary>The actual change, <see cref="Closing"/> − <see cref="Opening"/>.</summary>
    public double ActualChange => Closing - Opening;

    /// <summary>Opening liability by payer.</summary>
    public IReadOnlyList<PayerLiability> OpeningByPayer { get; }

    /// <summary>Expected closing liability by payer.</summary>
    public IReadOnlyList<PayerLiability> ExpectedClosingByPayer { get; }

    /// <summary>Closing liability by payer.</summary>
    public IReadOnlyList<PayerLiability> ClosingByPayer { get; }

    /// <summary>The parts, in the order of the analysis (each step changes one thing).</summary>
    public IReadOnlyList<MovementPart> Parts { get; }

    /// <summary>A part by name.</summary>
    /// <param name="name">The part's name.</param>
    public MovementPart Part(string name) => Parts.First(p => p.Name == name);

    private static PayerLiability[] Lines(IReadOnlyList<Payer> payers, double[] v) => payers.Select((p, j) => new PayerLiability(p, v[j])).ToArray();
}

/// <summary>
/// The liability movement analysis (the actuary's analysis of change) between two client register
/// snapshots one model cycle apart, matched by person id. Steps, each changing one thing:
/// <list type="number">
/// <item><b>one year of costs</b>: the opening persons' flows of the first cycle, now paid (−);</item>
/// <item><b>unwinding of the discount</b>: the rest of the opening liability valued one cycle later
/// (one year less of discounting, the horizon one cycle on) with the expected transitions of the year;
/// with (1) this is the ageing of the caseload and the expected change;</item>
/// <item><b>exits</b>: the expected closing value of opening persons absent from the closing register (−);</item>
/// <item><b>experience</b>: for persons in both, their closing value (as recorded: age, state) minus their expected closing value;</item>
/// <item><b>new entrants</b>: the closing value of persons absent from the opening register;</item>
/// <item><b>assumption changes</b>: the closing register under the closing model minus under the opening model (both business as usual);</item>
/// <item><b>interventions</b>: the closing register under the closing strategy minus under business as usual (closing model).</item>
/// </list>
/// Each step is a difference of two valuations and the next step starts where the last ended, so the
/// parts add up to Closing − Opening.
/// </summary>
public static class LiabilityMovement
{
    /// <summary>Name of the part "one year of costs".</summary>
    public const string YearOfCosts = "one year of costs";

    /// <summary>Name of the part "unwinding of the discount".</summary>
    public const string Unwinding = "unwinding of the discount";

    /// <summary>Name of the part "exits".</summary>
    public const string Exits = "exits";

    /// <summary>Name of the part "experience".</summary>
    public const string Experience = "experience";

    /// <summary>Name of the part "new entrants".</summary>
    public const string NewEntrants = "new entrants";

    /// <summary>Name of the part "assumption changes".</summary>
    public const string AssumptionChanges = "assumption changes";

    /// <summary>Name of the part "interventions".</summary>
    public const string Interventions = "interventions";

    /// <summary>Analyses the change of the liability between two snapshots.</summary>
    /// <param name="openingModel">The model (assumptions) of the opening valuation.</param>
    /// <param name="opening">The opening register.</param>
    /// <param name="closing">The closing register, one model cycle later.</param>
    /// <param name="closingModel">The model of the closing valuation (changed assumptions); null for the opening model. Must have the same states and accounts.</param>
    /// <param name="closingStrategy">The strategy the closing liability is projected under (the interventions begun); null for business as usual.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <exception cref="ModelValidationException">A register does not fit its model.</exception>
    /// <exception cref="ArgumentException">The closing model's states or accounts differ from the opening model's.</exception>
    public static LiabilityMovementResult Analyse(LifeCourseModel openingModel, ClientRegister opening, ClientRegister closing, LifeCourseModel? closingModel = null, Strategy? closingStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openingModel);
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(closing);
        closingModel ??= openingModel;
        closingStrategy ??= Strategy.BusinessAsUsual;
        if (!closingModel.States.Select(s => s.Name).SequenceEqual(openingModel.States.Select(s => s.Name))
            || !closingModel.States.Select(s => s.TunnelCycles).SequenceEqual(openingModel.States.Select(s => s.TunnelCycles))
            || !closingModel.Payers.SequenceEqual(openingModel.Payers))
        {
            throw new ArgumentException("The closing model must have the opening model's states (with their tunnels) and payers.", nameof(closingModel));
        }

        var problems = opening.Check(openingModel).Select(p => new ValidationProblem("opening " + p.Subject, p.Message))
            .Concat(closing.Check(closingModel).Select(p => new ValidationProblem("closing " + p.Subject, p.Message))).ToList();
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        var payers = openingModel.Payers;
        var P = payers.Count;
        var bau = Strategy.BusinessAsUsual;
        var (entry, count) = LiabilityProfiles.Expansion(openingModel);
        var baseOf = new int[entry[^1] + count[^1]];
        var tisOf = new int[baseOf.Length];
        for (var b = 0; b < entry.Length; b++)
        {
            for (var k = 0; k < count[b]; k++)
            {
                baseOf[entry[b] + k] = b;
                tisOf[entry[b] + k] = openingModel.States[b].TunnelCycles > 0 ? k : 0;
            }
        }

        // Opening valuation, with the first-year flows and the occupancy one cycle on.
        var (openProfiles, openOf) = CaseloadLiability.Profiles(openingModel, opening);
        var open = LiabilityProfiles.Value(openingModel, bau, null, openProfiles, nextOccupancy: true, cancellationToken);
        var N = open.ExpandedStateCount;

        // Roll-forward profiles (every cell reachable in one cycle, one cycle older) and the closing register, under the opening model.
        var dt = openingModel.Options.CycleLengthYears;
        var (closeProfiles, closeOf) = CaseloadLiability.Profiles(closingModel, closing);
        var union = new List<LiabilityProfile>(closeProfiles);
        var unionIndex = new Dictionary<LiabilityProfile, int>();
        for (var i = 0; i < union.Count; i++)
        {
            unionIndex[union[i]] = i;
        }

        var rollIndex = new int[openProfiles.Count * N];
        for (var i = 0; i < openProfiles.Count; i++)
        {
            for (var x = 0; x < N; x++)
            {
                rollIndex[(i * N) + x] = -1;
                if (open.NextOccupancy![(i * N) + x] == 0)
                {
                    continue;
                }

                var key = new LiabilityProfile(openProfiles[i].Age + dt, baseOf[x], tisOf[x]);
                if (!unionIndex.TryGetValue(key, out var u))
                {
                    u = union.Count;
                    unionIndex[key] = u;
                    union.Add(key);
                }

                rollIndex[(i * N) + x] = u;
            }
        }

        var atOpeningModel = LiabilityProfiles.Value(openingModel, bau, null, union, nextOccupancy: false, cancellationToken);
        var atClosingModel = ReferenceEquals(closingModel, openingModel) ? atOpeningModel : LiabilityProfiles.Value(closingModel, bau, null, closeProfiles, nextOccupancy: false, cancellationToken);
        var underStrategy = closingStrategy.Interventions.Count == 0 ? atClosingModel : LiabilityProfiles.Value(closingModel, closingStrategy, null, closeProfiles, nextOccupancy: false, cancellationToken);

        var payerOf = openingModel.Accounts.Select(a => CaseloadLiability.IndexOf(payers, a.Payer)).ToArray();
        var isPublic = openingModel.Accounts.Select(a => a.Payer.IsPublic).ToArray();
        var closingPayerOf = closingModel.Accounts.Select(a => CaseloadLiability.IndexOf(payers, a.Payer)).ToArray();
        var closingPublic = closingModel.Accounts.Select(a => a.Payer.IsPublic).ToArray();

        // Per-person payer vectors (P payers + public).
        double[] Vector(double[] perAccount, int profile, int accounts, int[] payerIndex, bool[] pub)
        {
            var r = new double[P + 1];
            for (var k = 0; k < accounts; k++)
            {
                var v = perAccount[(profile * accounts) + k];
                if (payerIndex[k] >= 0)
                {
                    r[payerIndex[k]] += v;
                }

                if (pub[k])
                {
                    r[P] += v;
                }
            }

            return r;
        }

        var A0 = openingModel.Accounts.Count;
        var A1 = closingModel.Accounts.Count;
        var openValue = new double[openProfiles.Count][];
        var firstYear = new double[openProfiles.Count][];
        var expectedValue = new double[openProfiles.Count][];
        for (var i = 0; i < openProfiles.Count; i++)
        {
            openValue[i] = Vector(open.PresentValue, i, A0, payerOf, isPublic);
            firstYear[i] = Vector(open.FirstYear, i, A0, payerOf, isPublic);
            var e = new double[P + 1];
            for (var x = 0; x < N; x++)
            {
                var u = rollIndex[(i * N) + x];
                if (u < 0)
                {
                    continue;
                }

                var m = open.NextOccupancy![(i * N) + x];
                var v = Vector(atOpeningModel.PresentValue, u, A0, payerOf, isPublic);
                for (var j = 0; j <= P; j++)
                {
                    e[j] += m * v[j];
                }
            }

            expectedValue[i] = e;
        }

        var closeAtOpening = closeProfiles.Select((_, j) => Vector(atOpeningModel.PresentValue, j, A0, payerOf, isPublic)).ToArray();
        var closeAtClosing = closeProfiles.Select((_, j) => Vector(atClosingModel.PresentValue, j, A1, closingPayerOf, closingPublic)).ToArray();
        var closeUnderStrategy = closeProfiles.Select((_, j) => Vector(underStrategy.PresentValue, j, A1, closingPayerOf, closingPublic)).ToArray();

        var closingIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < closing.Count; j++)
        {
            closingIds[closing.Persons[j].PersonId] = j;
        }

        var openingIds = new HashSet<string>(opening.Persons.Select(p => p.PersonId), StringComparer.Ordinal);
        var openingTotal = new double[P + 1];
        var expectedTotal = new double[P + 1];
        var yearOfCosts = new double[P + 1];
        var unwinding = new double[P + 1];
        var exits = new double[P + 1];
        var experience = new double[P + 1];
        var entrants = new double[P + 1];
        var assumptions = new double[P + 1];
        var interventions = new double[P + 1];
        var closingTotal = new double[P + 1];
        int exitCount = 0, continuing = 0, entrantCount = 0;
        for (var i = 0; i < opening.Count; i++)
        {
            var k = openOf[i];
            var exited = !closingIds.TryGetValue(opening.Persons[i].PersonId, out var j);
            if (exited)
            {
                exitCount++;
            }
            else
            {
                continuing++;
            }

            for (var c = 0; c <= P; c++)
            {
                openingTotal[c] += openValue[k][c];
                expectedTotal[c] += expectedValue[k][c];
                yearOfCosts[c] -= firstYear[k][c];
                unwinding[c] += expectedValue[k][c] - (openValue[k][c] - firstYear[k][c]);
                if (exited)
                {
                    exits[c] -= expectedValue[k][c];
                }
                else
                {
                    experience[c] += closeAtOpening[closeOf[j]][c] - expectedValue[k][c];
                }
            }
        }

        for (var j = 0; j < closing.Count; j++)
        {
            var k = closeOf[j];
            var isNew = !openingIds.Contains(closing.Persons[j].PersonId);
            if (isNew)
            {
                entrantCount++;
            }

            for (var c = 0; c <= P; c++)
            {
                if (isNew)
                {
                    entrants[c] += closeAtOpening[k][c];
                }

                assumptions[c] += closeAtClosing[k][c] - closeAtOpening[k][c];
                interventions[c] += closeUnderStrategy[k][c] - closeAtClosing[k][c];
                closingTotal[c] += closeUnderStrategy[k][c];
            }
        }

        MovementPart Part(string name, string description, int persons, double[] v) => new(name, description, persons, payers.Select((p, c) => new PayerLiability(p, v[c])).ToArray(), v[P]);
        var parts = new[]
        {
            Part(YearOfCosts, "The opening persons' expected flows of the first cycle, now paid: they leave the liability.", opening.Count, yearOfCosts),
            Part(Unwinding, "The rest of the opening liability valued one cycle later: one year less of discounting, the horizon one cycle on, the expected transitions of the year.", opening.Count, unwinding),
            Part(Exits, "Opening persons no longer in the register (moved, died, closed cases): their expected value one cycle on leaves the liability.", exitCount, exits),
            Part(Experience, "Persons in both snapshots: their value as recorded at closing (age, state) minus the value the model expected for them.", continuing, experience),
            Part(NewEntrants, "Persons in the closing register only: their value (opening assumptions, business as usual).", entrantCount, entrants),
            Part(AssumptionChanges, "The closing register valued with the closing model's assumptions instead of the opening model's.", closing.Count, assumptions),
            Part(Interventions, $"The closing register projected under '{closingStrategy.Name}' instead of business as usual.", closing.Count, interventions),
        };

        return new LiabilityMovementResult(payers, openingTotal, expectedTotal, closingTotal, parts, openingModel.PriceYear, opening.Label, closing.Label, closingStrategy.Name);
    }
}

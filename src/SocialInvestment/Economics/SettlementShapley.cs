using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Economics;

/// <summary>
/// A transferable-utility coalition game among payers: the characteristic function v(S) for every
/// coalition S of <see cref="Players"/>, evaluated once for all 2^n coalitions (v(∅) = 0), and its exact
/// Shapley value. Immutable and thread-safe.
/// <para>
/// The settlement's game (<see cref="FromInterventions"/>): each intervention is funded by a set of
/// payers (by default the payers its costs are booked to). Coalition S runs, on top of the
/// comparator, exactly the interventions all of whose funders among the players are members of S.
/// <c>v(S) = Σ_{p∈S} G_p(S)</c>, where <c>G_p(S)</c> is payer p's own discounted net gain
/// (<see cref="PayerBalance.NetGain"/>: savings − invested, no tax financing cost, no society
/// weighting — "society-free") of that strategy against the comparator. So v(S) is what the members of
/// S gain together from what they can fund alone; payers outside S may still gain (spill-overs), which
/// v(S) leaves out. With one strategy (<see cref="FromLedger"/>) the strategy is one intervention funded
/// by the payers that invest in it.
/// </para>
/// </summary>
public sealed class CoalitionGame
{
    /// <summary>The largest number of players for exact enumeration (2^12 = 4,096 coalitions).</summary>
    public const int MaxPlayers = 12;

    private readonly double[] _values;

    private CoalitionGame(IReadOnlyList<Payer> players, double[] values)
    {
        Players = ReadOnly.Copy(players);
        _values = values;
    }

    /// <summary>The players, in the bit order of <see cref="Value(int)"/> (player i is bit i).</summary>
    public IReadOnlyList<Payer> Players { get; }

    /// <summary>v(S) of the coalition with bit mask <paramref name="coalition"/> (bit i = player i).</summary>
    /// <param name="coalition">Bit mask in [0, 2^n).</param>
    public double Value(int coalition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coalition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(coalition, _values.Length);
        return _values[coalition];
    }

    /// <summary>v(N), the grand coalition's value.</summary>
    public double GrandCoalitionValue => _values[^1];

    /// <summary>Evaluates a characteristic function on every coalition.</summary>
    /// <param name="players">1 … <see cref="MaxPlayers"/> distinct payers.</param>
    /// <param name="value">v(S) for a coalition given as its members (called once per non-empty coalition; v(∅) is 0).</param>
    /// <exception cref="ArgumentException">Too many or duplicate players, or a non-finite value.</exception>
    public static CoalitionGame Create(IReadOnlyList<Payer> players, Func<IReadOnlySet<Payer>, double> value)
    {
        ArgumentNullException.ThrowIfNull(players);
        ArgumentNullException.ThrowIfNull(value);
        CheckPlayers(players);
        var n = players.Count;
        var values = new double[1 << n];
        for (var s = 1; s < values.Length; s++)
        {
            var members = new HashSet<Payer>(Enumerable.Range(0, n).Where(i => (s & (1 << i)) != 0).Select(i => players[i]));
            values[s] = value(members);
            if (!double.IsFinite(values[s]))
            {
                throw new ArgumentException($"v({{{string.Join(", ", members.Select(p => p.Name))}}}) is not a finite number ({values[s]}).", nameof(value));
            }
        }

        return new CoalitionGame(players.ToArray(), values);
    }

    /// <summary>
    /// The one-strategy game from a ledger: the strategy runs in coalition S when every player that
    /// invests in it (<see cref="SettlementLedgerPayer.Invested"/> &gt; 0) is in S; then
    /// <c>v(S) = Σ_{p∈S} G_p</c>, otherwise 0. (When no player invests, every coalition runs it and the
    /// Shapley value is each payer's own net gain.)
    /// </summary>
    /// <param name="ledger">The payers' positions.</param>
    /// <param name="players">The players (payers of the ledger).</param>
    public static CoalitionGame FromLedger(SettlementLedger ledger, IReadOnlyList<Payer> players)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(players);
        var rows = players.Select(p => ledger.Payer(p.Name)).ToArray();
        var funders = rows.Where(r => r.Invested > 0).Select(r => r.Payer).ToHashSet();
        return Create(players, s => funders.IsSubsetOf(s) ? rows.Where(r => s.Contains(r.Payer)).Sum(r => r.NetGain) : 0.0);
    }

    /// <summary>
    /// The several-interventions game: runs the cohort engine once for each set of interventions a
    /// coalition can fund (cached, at most 2^k runs for k interventions) and appraises it against the
    /// comparator. The grand coalition runs the comparator's interventions plus all of
    /// <paramref name="interventions"/>: settle the appraisal of that strategy.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="comparator">The comparator strategy.</param>
    /// <param name="interventions">The co-funded interventions (not in the comparator) and their funders; null funders means the payers its costs are booked to.</param>
    /// <param name="players">The players.</param>
    /// <param name="parameters">Parameter values; null for the base case.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    public static CoalitionGame FromInterventions(LifeCourseModel model, Strategy comparator, IReadOnlyList<(Intervention Intervention, IReadOnlyList<Payer>? Funders)> interventions, IReadOnlyList<Payer> players, ParameterValues? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(comparator);
        ArgumentNullException.ThrowIfNull(interventions);
        ArgumentNullException.ThrowIfNull(players);
        CheckPlayers(players);
        var playerNames = players.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var funders = interventions.Select(iv => (iv.Funders ?? iv.Intervention.Costs.Select(c => c.Account.Payer).ToArray())
            .Select(p => p.Name).Where(playerNames.Contains).ToHashSet(StringComparer.Ordinal)).ToArray();
        var baseResult = CohortEngine.Run(model, comparator, parameters, cancellationToken);
        var runs = new Dictionary<int, AppraisalResult?>();
        return Create(players, s =>
        {
            var names = s.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var mask = 0;
            for (var j = 0; j < funders.Length; j++)
            {
                if (funders[j].IsSubsetOf(names))
                {
                    mask |= 1 << j;
                }
            }

            if (!runs.TryGetValue(mask, out var appraisal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var run = comparator.Interventions.Concat(Enumerable.Range(0, funders.Length).Where(j => (mask & (1 << j)) != 0).Select(j => interventions[j].Intervention)).ToArray();
                appraisal = mask == 0 ? null : Appraisal.Compare(CohortEngine.Run(model, new Strategy($"coalition {mask}", run), parameters, cancellationToken), baseResult, Perspective.PublicSector);
                runs[mask] = appraisal;
            }

            return appraisal is null ? 0.0 : appraisal.Payers.Where(b => names.Contains(b.Payer.Name)).Sum(b => b.NetGain);
        });
    }

    /// <summary>The Shapley weight of a coalition of s others among n players, by s: <c>s!(n − s − 1)!/n! = 1 / (n · C(n − 1, s))</c>.</summary>
    internal static double[] ShapleyWeights(int n)
    {
        var weight = new double[n];
        for (var s = 0; s < n; s++)
        {
            var binomial = 1.0;
            for (var j = 1; j <= s; j++)
            {
                binomial = binomial * (n - 1 - s + j) / j;
            }

            weight[s] = 1.0 / (n * binomial);
        }

        return weight;
    }

    /// <summary>
    /// The exact Shapley value by enumeration: <c>φ_i = Σ_{S ⊆ N∖{i}} |S|!(n − |S| − 1)!/n! · (v(S ∪ {i}) − v(S))</c>,
    /// in the order of <see cref="Players"/>. Efficient: <c>Σ_i φ_i = v(N)</c>.
    /// </summary>
    public IReadOnlyList<double> ShapleyValues()
    {
        var n = Players.Count;
        var weight = ShapleyWeights(n);

        var phi = new double[n];
        for (var S = 0; S < _values.Length; S++)
        {
            var size = System.Numerics.BitOperations.PopCount((uint)S);
            for (var i = 0; i < n; i++)
            {
                if ((S & (1 << i)) == 0)
                {
                    phi[i] += weight[size] * (_values[S | (1 << i)] - _values[S]);
                }
            }
        }

        return phi;
    }

    private static void CheckPlayers(IReadOnlyList<Payer> players)
    {
        if (players.Count == 0 || players.Count > MaxPlayers)
        {
            throw new ArgumentException($"An exact Shapley value needs 1 to {MaxPlayers} players (2^n coalitions are enumerated); got {players.Count}.", nameof(players));
        }

        if (players.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != players.Count)
        {
            throw new ArgumentException("The players must be distinct payers.", nameof(players));
        }
    }
}

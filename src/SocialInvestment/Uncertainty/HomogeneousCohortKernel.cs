using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Uncertainty;

/// <summary>
/// The PSA fast path for time-homogeneous models: the transition matrix and the per-state values
/// depend on the parameters but not on the cycle, the age or the time in state. Per parameter set
/// the kernel evaluates the model's transition, flow and outcome functions once (no compilation,
/// no allocation) and runs the cohort trace for several parameter sets at once, one per SIMD lane
/// (two vectors of double interleaved, so that the latency of one vector's dependency chain is
/// hidden by the other: <see cref="System.Runtime.Intrinsics.Vector512{T}"/> where 512-bit vectors are
/// accelerated, 16 lanes; else <see cref="Vector{T}"/>, 8 lanes with AVX2). It returns, per parameter set, the
/// discounted totals per account and per outcome, equal to the cohort engine's
/// <c>TotalFlow(account, null, true)</c> and <c>TotalOutcome(outcome)</c> to rounding (tested to 1e-12).
/// </summary>
/// <remarks>
/// <para>Supported: probability, rate and remainder transitions; occupancy flows (with price
/// re-indexing) and occupancy outcomes; any population and any counting and discounting convention.
/// Not supported (use <see cref="ProbabilisticAnalysis.Run"/>): tunnel states, transition-event
/// flows or outcomes, real growth of amounts, strategies with interventions.</para>
/// <para><see cref="Create"/> checks time homogeneity at the base parameter values by comparing its
/// own evaluation with a full compilation for every cycle and sub-cohort; a model whose functions
/// depend on the cycle or age only at other parameter values is outside the contract.</para>
/// </remarks>
/// <threadsafety>Immutable and thread-safe; each call uses its own buffers.</threadsafety>
public sealed class HomogeneousCohortKernel
{
    private const double Tolerance = TransitionRowKernel.Tolerance;
    private readonly RowSpec[] _rows;
    private readonly (int From, int To)[] _pairs;
    private readonly int[] _pairFrom;
    private readonly int[] _groupStart;
    private readonly (int To, int Pair)[][] _rowPairs;
    private readonly double[] _initial;
    private readonly double[] _costWeight;
    private readonly double[] _outcomeWeight;
    private readonly int _n;
    private readonly int _a;
    private readonly int _o;
    private readonly double _dt;
    private readonly double _startAge;

    private HomogeneousCohortKernel(LifeCourseModel model, Strategy strategy, RowSpec[] rows, (int, int)[] pairs, double[] initial, double[] costWeight, double[] outcomeWeight, double startAge)
    {
        Model = model;
        Strategy = strategy;
        _rows = rows;
        _pairs = pairs;
        _pairFrom = [.. pairs.Select(p => p.Item1)];
        _groupStart = new int[model.States.Count + 1];
        for (var j = 0; j < model.States.Count; j++)
        {
            _groupStart[j + 1] = _groupStart[j] + pairs.Count(p => p.Item2 == j);
        }
        _rowPairs = new (int To, int Pair)[model.States.Count][];
        for (var b = 0; b < model.States.Count; b++)
        {
            _rowPairs[b] = [.. pairs.Select((p, i) => (p.Item1, p.Item2, i)).Where(p => p.Item1 == b).Select(p => (p.Item2, p.i))];
        }

        _initial = initial;
        _costWeight = costWeight;
        _outcomeWeight = outcomeWeight;
        _n = model.States.Count;
        _a = model.Accounts.Count;
        _o = model.Outcomes.Count;
        _dt = model.Options.CycleLengthYears;
        _startAge = startAge;
    }

    /// <summary>The model.</summary>
    public LifeCourseModel Model { get; }

    /// <summary>The strategy (without interventions).</summary>
    public Strategy Strategy { get; }

    /// <summary>Values per parameter set: the model's accounts, then its outcomes.</summary>
    public int ValueCount => _a + _o;

    /// <summary>Number of parameter sets evaluated together (SIMD lanes).</summary>
    public static int Lanes => 2 * (Vector512.IsHardwareAccelerated ? Vector512<double>.Count : Vector<double>.Count);

    /// <summary>Builds the fast path for a model and strategy, or explains why it does not apply.</summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy; null for business as usual.</param>
    /// <exception cref="NotSupportedException">The model or strategy uses a feature the fast path does not support, or is not time-homogeneous; the message lists every reason.</exception>
    public static HomogeneousCohortKernel Create(LifeCourseModel model, Strategy? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        strategy ??= Strategy.BusinessAsUsual;
        var reasons = new List<string>();
        if (strategy.Interventions.Count > 0)
        {
            reasons.Add($"strategy '{strategy.Name}' has interventions");
        }

        foreach (var s in model.States.Where(s => s.TunnelCycles > 0))
        {
            reasons.Add($"state '{s.Name}' is a tunnel state");
        }

        if (model.Flows.Any(f => f.Trigger == FlowTrigger.TransitionEvent) || model.OutcomeDefinitions.Any(o => o.Trigger == FlowTrigger.TransitionEvent))
        {
            reasons.Add("the model has transition-event flows or outcomes");
        }

        if (model.Flows.Any(f => f.RealGrowth != 0))
        {
            reasons.Add("a flow grows in real terms (time-dependent)");
        }

        if (reasons.Count > 0)
        {
            throw new NotSupportedException($"The homogeneous PSA fast path does not apply to model '{model.Name}': {string.Join("; ", reasons)}. Use ProbabilisticAnalysis.Run.");
        }

        var compiled = model.Compile(strategy);
        var n = model.States.Count;
        var outcomeIndex = model.Outcomes.Select((o, i) => (o.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var rows = new RowSpec[n];
        var pairs = new HashSet<(int, int)>();
        for (var b = 0; b < n; b++)
        {
            var entries = new List<(int To, ModelFunction F)>();
            var rate = false;
            var remainder = -1;
            foreach (var t in model.Transitions.Where(t => model.StateIndex(t.From) == b))
            {
                var to = model.StateIndex(t.To);
                if (t.Kind == TransitionValueKind.Remainder)
                {
                    remainder = to;
                }
                else
                {
                    entries.Add((to, t.Value!));
                    rate |= t.Kind == TransitionValueKind.Rate;
                }

                pairs.Add((b, to));
            }

            pairs.Add((b, b));
            var flows = new List<(int Account, ModelFunction F, double Price)>();
            foreach (var f in model.Flows.Where(f => f.Trigger == FlowTrigger.StateOccupancy && model.StateIndex(f.FromState!) == b))
            {
                var price = 1.0;
                if (f.PriceYear is int py && model.PriceYear is int mpy && py != mpy && model.PriceIndex is { } index)
                {
                    price = index[mpy] / index[py];
                }

                flows.Add((model.AccountIndex(f.Account), f.Amount, price));
            }

            var outcomes = model.OutcomeDefinitions.Where(o => o.Trigger == FlowTrigger.StateOccupancy && model.StateIndex(o.FromState!) == b)
                .Select(o => (outcomeIndex[o.Outcome.Name], o.Value)).ToArray();
            rows[b] = new RowSpec(model.States[b].IsAbsorbing, rate, remainder, [.. entries], [.. flows], outcomes);
        }

        var initial = new double[n];
        foreach (var sc in compiled.Subcohorts)
        {
            for (var x = 0; x < n; x++)
            {
                initial[x] += sc.Initial[x];
            }
        }

        var T = compiled.Cycles;
        var cw = new double[T + 1];
        var ow = new double[T + 1];
        for (var t = 0; t <= T; t++)
        {
            // Values do not depend on the cycle here, so a per-cycle convention's end half (row t − 1) is the same value discounted at t − 1.
            var r = t > 0 && compiled.PreviousWeights is { } pw ? pw[t] : 0.0;
            cw[t] = (compiled.StateWeights[t] * compiled.CostDiscountFactors[t]) + (r == 0 ? 0 : r * compiled.CostDiscountFactors[t - 1]);
            ow[t] = (compiled.StateWeights[t] * compiled.OutcomeDiscountFactors[t]) + (r == 0 ? 0 : r * compiled.OutcomeDiscountFactors[t - 1]);
        }

        if (n == 4)
        {
            // Four states: the dense unrolled kernel reads all 16 cells.
            for (var x = 0; x < n; x++)
            {
                for (var y = 0; y < n; y++)
                {
                    pairs.Add((x, y));
                }
            }
        }

        var kernel = new HomogeneousCohortKernel(model, strategy, rows, [.. pairs.OrderBy(p => p.Item2).ThenBy(p => p.Item1)], initial, cw, ow, compiled.Subcohorts[0].StartAge);
        kernel.CheckHomogeneous(compiled);
        return kernel;
    }

    private void CheckHomogeneous(CompiledModel compiled)
    {
        var p = new double[_n * _n];
        var values = new double[_n * ValueCount];
        var pv = Model.BaseParameters;
        EvaluateCell(pv, p, values);
        var L = compiled.LedgerCount;
        var O = compiled.OutcomeCount;
        foreach (var sc in compiled.Subcohorts)
        {
            for (var t = 0; t <= compiled.Cycles; t++)
            {
                for (var x = 0; x < _n; x++)
                {
                    for (var y = 0; t < compiled.Cycles && y < _n; y++)
                    {
                        Same(sc.P[(((t * _n) + x) * _n) + y], p[(x * _n) + y], $"transition {Model.States[x].Name} → {Model.States[y].Name}", t);
                    }

                    for (var a = 0; a < _a; a++)
                    {
                        Same(sc.StateFlows[(((t * _n) + x) * L) + a], values[(x * ValueCount) + a], $"flow to {Model.Accounts[a]} in state '{Model.States[x].Name}'", t);
                    }

                    for (var o = 0; o < O; o++)
                    {
                        Same(sc.StateOutcomes[(((t * _n) + x) * O) + o], values[(x * ValueCount) + _a + o], $"outcome '{Model.Outcomes[o].Name}' in state '{Model.States[x].Name}'", t);
                    }
                }
            }
        }

        void Same(double compiledValue, double kernelValue, string what, int t)
        {
            if (Math.Abs(compiledValue - kernelValue) > 1e-12 * Math.Max(1, Math.Abs(compiledValue)))
            {
                throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"The homogeneous PSA fast path does not apply to model '{Model.Name}': the {what} is {compiledValue:G10} at cycle {t} but {kernelValue:G10} at cycle 0 (the model is not time-homogeneous). Use ProbabilisticAnalysis.Run."));
            }
        }
    }

    /// <summary>Evaluates one parameter set: discounted totals per account, then per outcome.</summary>
    /// <param name="parameters">The parameter values.</param>
    public double[] Evaluate(ParameterValues parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new double[ValueCount];
        Evaluate(parameters.AsSpan(), result);
        return result;
    }

    /// <summary>
    /// Evaluates K parameter sets (row-major, K × parameter count) into <paramref name="destination"/>
    /// (row-major, K × <see cref="ValueCount"/>). Allocates only a small per-call workspace.
    /// </summary>
    /// <param name="parameterSets">K parameter vectors in the model's parameter order.</param>
    /// <param name="destination">K rows of discounted totals (accounts, then outcomes).</param>
    /// <exception cref="ArgumentException">The spans have inconsistent lengths.</exception>
    /// <exception cref="InvalidOperationException">A parameter set gives an invalid transition row.</exception>
    public void Evaluate(ReadOnlySpan<double> parameterSets, Span<double> destination)
    {
        var P = Model.Parameters.Count;
        if (P == 0 ? parameterSets.Length != 0 : parameterSets.Length % P != 0)
        {
            throw new ArgumentException($"The length must be a multiple of the parameter count {P}.", nameof(parameterSets));
        }

        var k = P == 0 ? 1 : parameterSets.Length / P;
        if (destination.Length != k * ValueCount)
        {
            throw new ArgumentException($"The destination must have {k * ValueCount} elements.", nameof(destination));
        }

        var ws = new Workspace(this);
        for (var start = 0; start < k; start += Lanes)
        {
            var count = Math.Min(Lanes, k - start);
            for (var lane = 0; lane < Lanes; lane++)
            {
                var src = start + Math.Min(lane, count - 1);
                parameterSets.Slice(src * P, P).CopyTo(ws.Parameters);
                EvaluateLane(ws.Values, ws, lane);
            }

            RunBatch(ws);
            ws.Store(destination.Slice(start * ValueCount, count * ValueCount), count);
        }
    }

    /// <summary>A per-worker workspace: parameter buffer, per-lane cells and trace vectors.</summary>
    internal sealed class Workspace
    {
        public Workspace(HomogeneousCohortKernel kernel)
        {
            Kernel = kernel;
            Parameters = kernel.Model.BaseParameters.AsSpan().ToArray();
            Values = ParameterValues.Wrap(Parameters);
            Row = new double[Math.Max(kernel._n, kernel.ValueCount)];
            PairP = new double[kernel._pairs.Length * Lanes];
            LaneValues = new double[kernel._n * kernel.ValueCount * Lanes];
            Totals = new double[kernel.ValueCount * Lanes];
            M = new double[kernel._n * Lanes];
            Next = new double[kernel._n * Lanes];
            DrawBatch = (DrawBatchTarget + Lanes - 1) / Lanes * Lanes;
            Random = new RandomLanes(DrawBatch);
            LaneRows = new double[Random.Capacity][];
            LaneParameters = new ParameterValues[Random.Capacity];
            for (var l = 0; l < LaneRows.Length; l++)
            {
                LaneRows[l] = kernel.Model.BaseParameters.AsSpan().ToArray();
                LaneParameters[l] = ParameterValues.Wrap(LaneRows[l]);
            }
        }

        /// <summary>About how many draws are sampled together (enough vector lanes to keep the core busy, few enough to stay in L1).</summary>
        private const int DrawBatchTarget = 64;

        /// <summary>Draws sampled together: a multiple of <see cref="Lanes"/> (and so of the sampler's vector width).</summary>
        public int DrawBatch { get; }

        /// <summary>The random streams of one batch of draws, one per lane.</summary>
        public RandomLanes Random { get; }

        /// <summary>One parameter vector per lane (the base values where nothing is drawn), wrapped by <see cref="LaneParameters"/>.</summary>
        public double[][] LaneRows { get; }

        /// <summary>The lanes' parameter values.</summary>
        public ParameterValues[] LaneParameters { get; }

        public HomogeneousCohortKernel Kernel { get; }

        /// <summary>The parameter values of the current draw (mutated in place; wrapped by <see cref="Values"/>).</summary>
        public double[] Parameters { get; }

        public ParameterValues Values { get; }

        /// <summary>One transition row or one state's values while a lane is evaluated.</summary>
        public double[] Row { get; }

        public double[] PairP { get; }

        public double[] LaneValues { get; }

        public double[] Totals { get; }

        /// <summary>Occupancy per state and lane (the general trace; the four-state one keeps it in registers).</summary>
        public double[] M { get; }

        /// <summary>The next cycle's occupancy.</summary>
        public double[] Next { get; }

        /// <summary>Writes the first <paramref name="count"/> lanes' totals, row-major.</summary>
        public void Store(Span<double> destination, int count)
        {
            var v = Kernel.ValueCount;
            for (var lane = 0; lane < count; lane++)
            {
                for (var i = 0; i < v; i++)
                {
                    destination[(lane * v) + i] = Totals[(i * Lanes) + lane];
                }
            }
        }
    }

    internal Workspace CreateWorkspace() => new(this);

    /// <summary>
    /// Row <paramref name="b"/>'s probabilities at <paramref name="ctx"/> into <paramref name="prow"/>
    /// (all 0 on entry): its entries' values, then the compiler's row steps (competing risks or the
    /// remainder, then the checks and clamping of <see cref="TransitionRowKernel"/>). Throws, naming the
    /// row, for a value or a row that fails a check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EvaluateRow(int b, RowSpec row, in ModelContext ctx, Span<double> prow)
    {
        foreach (var (to, f) in row.Entries)
        {
            var v = f(in ctx);
            if (!double.IsFinite(v) || v < -Tolerance || (!row.IsRate && v > 1 + Tolerance))
            {
                throw Invalid(b, to, v);
            }

            prow[to] += v;
        }

        if (row.IsRate)
        {
            TransitionRowKernel.CompetingRisks(prow, row.Remainder >= 0 ? row.Remainder : b, _dt);
        }
        else if (row.Remainder >= 0)
        {
            TransitionRowKernel.AddRemainder(prow, row.Remainder);
        }

        var bad = TransitionRowKernel.CheckAndClamp(prow, out var sum);
        if (bad >= 0)
        {
            throw Invalid(b, bad, prow[bad]);
        }

        if (!TransitionRowKernel.SumsToOne(sum))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The probabilities of row '{Model.States[b].Name}' sum to {sum:G6}, not 1, for a drawn parameter set."));
        }
    }

    /// <summary>Evaluates the model's functions at cycle 0 into a dense matrix and per-state values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void EvaluateCell(ParameterValues parameters, double[] p, double[] values)
    {
        Array.Clear(p);
        Array.Clear(values);
        var ctx = new ModelContext(0, _dt, _startAge, 0, parameters);
        var n = _n;
        var vc = ValueCount;
        for (var b = 0; b < n; b++)
        {
            var row = _rows[b];
            var prow = p.AsSpan(b * n, n);
            if (row.Absorbing)
            {
                prow[b] = 1;
            }
            else
            {
                EvaluateRow(b, row, in ctx, prow);
            }

            var vrow = values.AsSpan(b * vc, vc);
            foreach (var (account, f, price) in row.Flows)
            {
                vrow[account] += f(in ctx) * price;
            }

            foreach (var (outcome, f) in row.Outcomes)
            {
                vrow[_a + outcome] += f(in ctx);
            }
        }
    }

    /// <summary>
    /// Evaluates the model's functions at cycle 0 for one parameter set straight into lane
    /// <paramref name="lane"/> of the workspace's pair probabilities and state values (the same
    /// arithmetic as <see cref="EvaluateCell"/>, row by row, without the dense matrix).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void EvaluateLane(ParameterValues parameters, Workspace ws, int lane)
    {
        var ctx = new ModelContext(0, _dt, _startAge, 0, parameters);
        var n = _n;
        var vc = ValueCount;
        var lanes = Lanes;
        var pairP = ws.PairP;
        var laneValues = ws.LaneValues;
        var buffer = ws.Row;
        for (var b = 0; b < n; b++)
        {
            var row = _rows[b];
            var targets = _rowPairs[b];
            if (row.Absorbing)
            {
                foreach (var (to, pair) in targets)
                {
                    pairP[(pair * lanes) + lane] = to == b ? 1 : 0;
                }
            }
            else
            {
                var prow = buffer.AsSpan(0, n);
                prow.Clear();
                EvaluateRow(b, row, in ctx, prow);

                foreach (var (to, pair) in targets)
                {
                    pairP[(pair * lanes) + lane] = prow[to];
                }
            }

            if (row.Flows.Length + row.Outcomes.Length == 0)
            {
                for (var v = 0; v < vc; v++)
                {
                    laneValues[(((b * vc) + v) * lanes) + lane] = 0;
                }

                continue;
            }

            var vrow = buffer.AsSpan(0, vc);
            vrow.Clear();
            foreach (var (account, f, price) in row.Flows)
            {
                vrow[account] += f(in ctx) * price;
            }

            foreach (var (outcome, f) in row.Outcomes)
            {
                vrow[_a + outcome] += f(in ctx);
            }

            for (var v = 0; v < vc; v++)
            {
                laneValues[(((b * vc) + v) * lanes) + lane] = vrow[v];
            }
        }
    }

    private InvalidOperationException Invalid(int from, int to, double v)
        => new(string.Create(CultureInfo.InvariantCulture, $"The transition {Model.States[from].Name} → {Model.States[to].Name} is {v:G6} for a drawn parameter set; probabilities must lie in [0, 1] and rates be non-negative."));

    /// <summary>
    /// Runs the lanes' cohort traces: two interleaved vectors of draws (halves h = 0, 1) of
    /// <see cref="Vector512{T}"/> when 512-bit vectors are accelerated, else of <see cref="Vector{T}"/>,
    /// read straight from the lane-major workspace arrays (pair p, lane l at <c>p·Lanes + l</c>),
    /// accumulated into <see cref="Workspace.Totals"/>. Allocation-free; every lane's arithmetic is
    /// the same whatever the width.
    /// </summary>
    internal void RunBatch(Workspace ws)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            RunBatch<Wide>(ws);
        }
        else
        {
            RunBatch<Narrow>(ws);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBatch<TV>(Workspace ws)
        where TV : struct, ILaneVector<TV>
    {
        var n = _n;
        var vc = ValueCount;
        var lanes = Lanes;
        var w = TV.Width;
        ref var pairP = ref MemoryMarshal.GetArrayDataReference(ws.PairP);
        ref var sv = ref MemoryMarshal.GetArrayDataReference(ws.LaneValues);
        ref var acc = ref MemoryMarshal.GetArrayDataReference(ws.Totals);
        if (n == 4)
        {
            RunDense4<TV>(ref pairP, ref sv, ref acc);
            return;
        }

        ref var m = ref MemoryMarshal.GetArrayDataReference(ws.M);
        ref var next = ref MemoryMarshal.GetArrayDataReference(ws.Next);
        ref var from = ref MemoryMarshal.GetArrayDataReference(_pairFrom);
        ref var groupStart = ref MemoryMarshal.GetArrayDataReference(_groupStart);
        for (var x = 0; x < n; x++)
        {
            TV.Store(TV.Splat(_initial[x]), ref Unsafe.Add(ref m, x * lanes));
            TV.Store(TV.Splat(_initial[x]), ref Unsafe.Add(ref m, (x * lanes) + w));
        }

        for (var v = 0; v < vc; v++)
        {
            TV.Store(TV.Zero, ref Unsafe.Add(ref acc, v * lanes));
            TV.Store(TV.Zero, ref Unsafe.Add(ref acc, (v * lanes) + w));
        }

        var T = _costWeight.Length - 1;
        var swapped = false;
        for (var t = 0; t <= T; t++)
        {
            ref var a = ref swapped ? ref next : ref m;
            ref var b = ref swapped ? ref m : ref next;
            var cwt = _costWeight[t];
            var owt = _outcomeWeight[t];
            for (var v = 0; v < vc; v++)
            {
                var s0 = TV.Zero;
                var s1 = TV.Zero;
                for (var x = 0; x < n; x++)
                {
                    var at = ((x * vc) + v) * lanes;
                    s0 = TV.Fma(TV.Load(ref Unsafe.Add(ref a, x * lanes)), TV.Load(ref Unsafe.Add(ref sv, at)), s0);
                    s1 = TV.Fma(TV.Load(ref Unsafe.Add(ref a, (x * lanes) + w)), TV.Load(ref Unsafe.Add(ref sv, at + w)), s1);
                }

                var wt = TV.Splat(v < _a ? cwt : owt);
                ref var acc0 = ref Unsafe.Add(ref acc, v * lanes);
                ref var acc1 = ref Unsafe.Add(ref acc, (v * lanes) + w);
                TV.Store(TV.Add(TV.Load(ref acc0), TV.Mul(s0, wt)), ref acc0);
                TV.Store(TV.Add(TV.Load(ref acc1), TV.Mul(s1, wt)), ref acc1);
            }

            if (t == T)
            {
                break;
            }

            // Pairs are sorted by destination: accumulate each destination in registers, store once.
            for (var j = 0; j < n; j++)
            {
                var t0 = TV.Zero;
                var t1 = TV.Zero;
                var end = Unsafe.Add(ref groupStart, j + 1);
                for (var i = Unsafe.Add(ref groupStart, j); i < end; i++)
                {
                    var f = Unsafe.Add(ref from, i) * lanes;
                    t0 = TV.Fma(TV.Load(ref Unsafe.Add(ref a, f)), TV.Load(ref Unsafe.Add(ref pairP, i * lanes)), t0);
                    t1 = TV.Fma(TV.Load(ref Unsafe.Add(ref a, f + w)), TV.Load(ref Unsafe.Add(ref pairP, (i * lanes) + w)), t1);
                }

                TV.Store(t0, ref Unsafe.Add(ref b, j * lanes));
                TV.Store(t1, ref Unsafe.Add(ref b, (j * lanes) + w));
            }

            swapped = !swapped;
        }
    }

    /// <summary>
    /// The four-state trace fully unrolled: occupancy in registers (two vectors of lanes per state),
    /// pair probabilities ordered by destination then origin (pair <c>4·to + from</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunDense4<TV>(ref double pairP, ref double sv, ref double acc)
        where TV : struct, ILaneVector<TV>
    {
        var vc = ValueCount;
        var a = _a;
        var cw = _costWeight;
        var ow = _outcomeWeight;
        var T = cw.Length - 1;
        var lanes = Lanes;
        var w = TV.Width;
        ref var pv0 = ref pairP;
        ref var pv1 = ref Unsafe.Add(ref pairP, w);
        ref var sv0 = ref sv;
        ref var sv1 = ref Unsafe.Add(ref sv, w);
        for (var v = 0; v < vc; v++)
        {
            TV.Store(TV.Zero, ref Unsafe.Add(ref acc, v * lanes));
            TV.Store(TV.Zero, ref Unsafe.Add(ref acc, (v * lanes) + w));
        }

        TV h0 = TV.Splat(_initial[0]), h1 = TV.Splat(_initial[1]), h2 = TV.Splat(_initial[2]), h3 = TV.Splat(_initial[3]);
        TV k0 = h0, k1 = h1, k2 = h2, k3 = h3;
        for (var t = 0; t <= T; t++)
        {
            var cwt = cw[t];
            var owt = ow[t];
            for (var v = 0; v < vc; v++)
            {
                var s0 = TV.Fma(h3, Value(ref sv0, 3, v), TV.Fma(h2, Value(ref sv0, 2, v), TV.Fma(h1, Value(ref sv0, 1, v), TV.Mul(h0, Value(ref sv0, 0, v)))));
                var s1 = TV.Fma(k3, Value(ref sv1, 3, v), TV.Fma(k2, Value(ref sv1, 2, v), TV.Fma(k1, Value(ref sv1, 1, v), TV.Mul(k0, Value(ref sv1, 0, v)))));
                var wt = TV.Splat(v < a ? cwt : owt);
                ref var acc0 = ref Unsafe.Add(ref acc, v * lanes);
                ref var acc1 = ref Unsafe.Add(ref acc, (v * lanes) + w);
                TV.Store(TV.Fma(s0, wt, TV.Load(ref acc0)), ref acc0);
                TV.Store(TV.Fma(s1, wt, TV.Load(ref acc1)), ref acc1);
            }

            if (t == T)
            {
                break;
            }

            var n0 = Next(0, h0, h1, h2, h3, ref pv0, lanes);
            var n1 = Next(1, h0, h1, h2, h3, ref pv0, lanes);
            var n2 = Next(2, h0, h1, h2, h3, ref pv0, lanes);
            var n3 = Next(3, h0, h1, h2, h3, ref pv0, lanes);
            var q0 = Next(0, k0, k1, k2, k3, ref pv1, lanes);
            var q1 = Next(1, k0, k1, k2, k3, ref pv1, lanes);
            var q2 = Next(2, k0, k1, k2, k3, ref pv1, lanes);
            var q3 = Next(3, k0, k1, k2, k3, ref pv1, lanes);
            (h0, h1, h2, h3) = (n0, n1, n2, n3);
            (k0, k1, k2, k3) = (q0, q1, q2, q3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TV Value(ref double values, int x, int v) => TV.Load(ref Unsafe.Add(ref values, ((x * vc) + v) * lanes));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static TV Next(int to, TV m0, TV m1, TV m2, TV m3, ref double p, int lanes)
        {
            ref var row = ref Unsafe.Add(ref p, 4 * to * lanes);
            return TV.Fma(m3, TV.Load(ref Unsafe.Add(ref row, 3 * lanes)), TV.Fma(m2, TV.Load(ref Unsafe.Add(ref row, 2 * lanes)), TV.Fma(m1, TV.Load(ref Unsafe.Add(ref row, lanes)), TV.Mul(m0, TV.Load(ref row)))));
        }
    }

    /// <summary>The few vector operations of the trace, so that one kernel serves every width.</summary>
    private interface ILaneVector<TSelf>
        where TSelf : struct, ILaneVector<TSelf>
    {
        static abstract int Width { get; }

        static abstract TSelf Zero { get; }

        static abstract TSelf Splat(double x);

        static abstract TSelf Load(ref double at);

        static abstract void Store(TSelf v, ref double at);

        /// <summary><c>a·b + c</c> with one rounding.</summary>
        static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

        static abstract TSelf Mul(TSelf a, TSelf b);

        static abstract TSelf Add(TSelf a, TSelf b);
    }

    /// <summary>512-bit lanes.</summary>
    private readonly struct Wide(Vector512<double> v) : ILaneVector<Wide>
    {
        private readonly Vector512<double> _v = v;

        public static int Width => Vector512<double>.Count;

        public static Wide Zero => new(Vector512<double>.Zero);

        public static Wide Splat(double x) => new(Vector512.Create(x));

        public static Wide Load(ref double at) => new(Vector512.LoadUnsafe(ref at));

        public static void Store(Wide v, ref double at) => v._v.StoreUnsafe(ref at);

        public static Wide Fma(Wide a, Wide b, Wide c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));

        public static Wide Mul(Wide a, Wide b) => new(a._v * b._v);

        public static Wide Add(Wide a, Wide b) => new(a._v + b._v);
    }

    /// <summary><see cref="Vector{T}"/> lanes.</summary>
    private readonly struct Narrow(Vector<double> v) : ILaneVector<Narrow>
    {
        private readonly Vector<double> _v = v;

        public static int Width => Vector<double>.Count;

        public static Narrow Zero => new(Vector<double>.Zero);

        public static Narrow Splat(double x) => new(new Vector<double>(x));

        public static Narrow Load(ref double at) => new(Vector.LoadUnsafe(ref at));

        public static void Store(Narrow v, ref double at) => v._v.StoreUnsafe(ref at);

        public static Narrow Fma(Narrow a, Narrow b, Narrow c) => new(Vector.FusedMultiplyAdd(a._v, b._v, c._v));

        public static Narrow Mul(Narrow a, Narrow b) => new(a._v * b._v);

        public static Narrow Add(Narrow a, Narrow b) => new(a._v + b._v);
    }

    private sealed record RowSpec(bool Absorbing, bool IsRate, int Remainder, (int To, ModelFunction F)[] Entries, (int Account, ModelFunction F, double Price)[] Flows, (int Outcome, ModelFunction F)[] Outcomes);
}

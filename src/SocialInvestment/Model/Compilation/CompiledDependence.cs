namespace SocialInvestment.Model;

/// <summary>The kinds of compiled block whose parameter dependence is recorded.</summary>
internal enum CompiledBlock
{
    /// <summary>The transition row of (cycle t, expanded state x).</summary>
    TransitionRow,

    /// <summary>The occupancy flow and outcome cells of (trace point t, expanded state x).</summary>
    StateCell,

    /// <summary>The upfront intervention costs of a sub-cohort.</summary>
    Upfront,

    /// <summary>The event amounts and event outcome values of cycle t.</summary>
    Events,
}

/// <summary>
/// Records, while a model compiles, which model parameters each compiled block reads: the compiler
/// hands the model's functions a <see cref="ParameterValues"/> that reports every read (by
/// parameter, by span: all parameters) to the block currently open. Because model functions are pure,
/// a block whose recorded parameters all keep their values evaluates to the same numbers: its
/// execution reads the same values and takes the same branches. A parameter-effect target counts as
/// read wherever the parameter it replaces is read, and an uptake wherever a mean effect's weight
/// enters a block.
/// </summary>
internal sealed class DependenceRecorder : IParameterReadLog
{
    private readonly int _words;
    private readonly List<int>[] _aliases;
    private readonly List<SubcohortDependence> _subcohorts = [];
    private readonly ulong[] _current;
    private SubcohortDependence? _open;
    private CompiledBlock _kind;
    private int _t;
    private int _x;
    private bool _inBlock;

    public DependenceRecorder(LifeCourseModel model)
    {
        Model = model;
        ParameterCount = model.Parameters.Count;
        _words = Math.Max(1, (ParameterCount + 63) / 64);
        _aliases = new List<int>[ParameterCount];
        _current = new ulong[_words];
    }

    public LifeCourseModel Model { get; }

    public int ParameterCount { get; }

    /// <summary>The parameter values passed to <see cref="Track"/>, untracked.</summary>
    public ParameterValues Untracked { get; private set; } = null!;

    /// <summary>A view of <paramref name="parameters"/> that reports its reads here.</summary>
    public ParameterValues Track(ParameterValues parameters)
    {
        Untracked = parameters;
        return parameters.Tracked(this);
    }

    /// <summary>Reading <paramref name="parameter"/> also reads the parameters of <paramref name="target"/> and <paramref name="uptake"/>.</summary>
    public void Alias(int parameter, Quantity target, Quantity uptake)
    {
        var list = _aliases[parameter] ??= [];
        foreach (var q in (ReadOnlySpan<Quantity>)[target, uptake])
        {
            if (q.IsParameter && !list.Contains(q.ParameterIndex))
            {
                list.Add(q.ParameterIndex);
            }
        }
    }

    /// <summary>Opens a block.</summary>
    public void Begin(CompiledBlock kind, int t, int x)
    {
        _kind = kind;
        _t = t;
        _x = x;
        _inBlock = true;
        Array.Clear(_current);
    }

    /// <summary>Closes the open block and stores its dependence.</summary>
    public void End()
    {
        _inBlock = false;
        _open ??= NewSubcohort();
        _open.Store(_kind, _t, _x, _current);
    }

    /// <summary>Closes the sub-cohort whose blocks were recorded since the last call.</summary>
    public void EndSubcohort()
    {
        _open ??= NewSubcohort();
        _subcohorts.Add(_open);
        _open = null;
    }

    /// <summary>A parameter is read (reads outside a block are not attributed).</summary>
    public void Read(int parameter)
    {
        if (!_inBlock)
        {
            return;
        }

        _current[parameter >> 6] |= 1UL << (parameter & 63);
        if (_aliases[parameter] is { } list)
        {
            foreach (var p in list)
            {
                _current[p >> 6] |= 1UL << (p & 63);
            }
        }
    }

    /// <summary>A quantity is evaluated.</summary>
    public void Read(Quantity quantity)
    {
        if (quantity.IsParameter)
        {
            Read(quantity.ParameterIndex);
        }
    }

    /// <summary>Every parameter is read (a function took the whole vector).</summary>
    public void ReadAll()
    {
        if (_inBlock)
        {
            Array.Fill(_current, ulong.MaxValue);
        }
    }

    /// <summary>The recorded dependence of the compiled model's sub-cohorts, in order.</summary>
    public CompiledDependence Result() => new(ParameterCount, _words, [.. _subcohorts]);

    private SubcohortDependence NewSubcohort()
    {
        var o = Model.Options;
        var n = 0;
        foreach (var s in Model.States)
        {
            n += Math.Max(1, s.TunnelCycles);
        }

        return new SubcohortDependence(o.Cycles, n, _words);
    }
}

/// <summary>The parameters each compiled block of one sub-cohort read, as bit sets of <c>Words</c> 64-bit words per block.</summary>
internal sealed class SubcohortDependence
{
    private readonly int _t;
    private readonly int _n;
    private readonly int _w;

    public SubcohortDependence(int cycles, int states, int words)
    {
        _t = cycles;
        _n = states;
        _w = words;
        Rows = new ulong[cycles * states * words];
        Cells = new ulong[(cycles + 1) * states * words];
        Upfront = new ulong[words];
        Events = new ulong[Math.Max(cycles, 1) * words];
    }

    /// <summary>Per (t, x) transition row.</summary>
    public ulong[] Rows { get; }

    /// <summary>Per (t, x) flow and outcome cell.</summary>
    public ulong[] Cells { get; }

    /// <summary>The upfront costs.</summary>
    public ulong[] Upfront { get; }

    /// <summary>Per cycle t, its event amounts and values.</summary>
    public ulong[] Events { get; }

    public void Store(CompiledBlock kind, int t, int x, ulong[] bits)
    {
        var (array, at) = kind switch
        {
            CompiledBlock.TransitionRow => (Rows, ((t * _n) + x) * _w),
            CompiledBlock.StateCell => (Cells, ((t * _n) + x) * _w),
            CompiledBlock.Upfront => (Upfront, 0),
            _ => (Events, t * _w),
        };
        bits.AsSpan().CopyTo(array.AsSpan(at, _w));
    }

    /// <summary>True when block (kind, t, x) read any parameter of <paramref name="changed"/>.</summary>
    public bool DependsOn(CompiledBlock kind, int t, int x, ReadOnlySpan<ulong> changed)
    {
        var (array, at) = kind switch
        {
            CompiledBlock.TransitionRow => (Rows, ((t * _n) + x) * _w),
            CompiledBlock.StateCell => (Cells, ((t * _n) + x) * _w),
            CompiledBlock.Upfront => (Upfront, 0),
            _ => (Events, t * _w),
        };
        for (var i = 0; i < _w; i++)
        {
            if ((array[at + i] & changed[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The parameters block (kind, t, x) read, by index.</summary>
    public IReadOnlyList<int> Parameters(CompiledBlock kind, int t, int x)
    {
        var (array, at) = kind switch
        {
            CompiledBlock.TransitionRow => (Rows, ((t * _n) + x) * _w),
            CompiledBlock.StateCell => (Cells, ((t * _n) + x) * _w),
            CompiledBlock.Upfront => (Upfront, 0),
            _ => (Events, t * _w),
        };
        var list = new List<int>();
        for (var p = 0; p < _w * 64; p++)
        {
            if ((array[at + (p >> 6)] & (1UL << (p & 63))) != 0)
            {
                list.Add(p);
            }
        }

        return list;
    }
}

/// <summary>The recorded parameter dependence of a compiled model: one <see cref="SubcohortDependence"/> per sub-cohort.</summary>
/// <param name="ParameterCount">Number of model parameters.</param>
/// <param name="Words">64-bit words per bit set.</param>
/// <param name="Subcohorts">Per sub-cohort, in the compiled model's order.</param>
internal sealed record CompiledDependence(int ParameterCount, int Words, SubcohortDependence[] Subcohorts)
{
    /// <summary>The bit set of a list of parameters.</summary>
    public ulong[] Mask(IEnumerable<int> parameters)
    {
        var mask = new ulong[Words];
        foreach (var p in parameters)
        {
            mask[p >> 6] |= 1UL << (p & 63);
        }

        return mask;
    }
}

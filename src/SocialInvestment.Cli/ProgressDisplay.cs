using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Engine;

namespace SocialInvestment.Cli;

/// <summary>
/// Progress on standard error for runs that take more than a moment: silent for the first
/// <see cref="Delay"/> (unless verbose), then one line per stage and throttled counts within a stage:
/// redrawn in place on a terminal at most every <see cref="TerminalInterval"/>, and as plain lines at
/// most one per <see cref="RedirectedInterval"/> when standard error is redirected (plus the line that
/// completes a count), so a million PSA draws write a few dozen lines to a log, not 62 500.
/// Synchronous (reports are written on the reporting thread), so lines never interleave.
/// </summary>
internal sealed class ProgressDisplay : IProgress<RunProgress>
{
    internal static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);
    internal static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan RedirectedInterval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly bool _terminal;
    private readonly bool _verbose;
    private readonly Func<TimeSpan> _clock;
    private readonly Lock _gate = new();
    private bool _openLine;
    private TimeSpan? _lastCount;

    /// <param name="error">Where progress goes.</param>
    /// <param name="terminal">True when <paramref name="error"/> is an interactive terminal.</param>
    /// <param name="verbose">Show progress from the start.</param>
    /// <param name="clock">Elapsed time since the start (tests pass a fake clock); null for a stopwatch.</param>
    public ProgressDisplay(TextWriter error, bool terminal, bool verbose, Func<TimeSpan>? clock = null)
    {
        _error = error;
        _terminal = terminal;
        _verbose = verbose;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }

        _clock = clock;
    }

    /// <summary>A new stage: always shown (after the initial delay).</summary>
    public void Stage(string text)
    {
        lock (_gate)
        {
            _lastCount = null;
            Write(text, _clock());
        }
    }

    /// <summary>A count within a stage: shown when the throttle interval has passed since the last count shown, or when it completes.</summary>
    public void Report(RunProgress value)
    {
        lock (_gate)
        {
            var now = _clock();
            var interval = _terminal ? TerminalInterval : RedirectedInterval;
            var completes = value.Completed >= value.Total;
            if (!completes && _lastCount is TimeSpan last && now - last < interval)
            {
                return;
            }

            if (Write(string.Create(CultureInfo.InvariantCulture, $"{value.Stage} ({value.Completed:N0}/{value.Total:N0})"), now))
            {
                _lastCount = now;
            }
        }
    }

    /// <summary>Ends an in-place line so that later output starts on a fresh line.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_openLine)
            {
                _error.WriteLine();
                _openLine = false;
            }
        }
    }

    private bool Write(string text, TimeSpan now)
    {
        if (!_verbose && now < Delay)
        {
            return false;
        }

        var stamp = now.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        if (_terminal)
        {
            _error.Write($"\r\u001b[2K[{stamp}s] {text}");
            _openLine = true;
        }
        else
        {
            _error.WriteLine($"[{stamp}s] {text}");
        }

        return true;
    }
}

using System.Diagnostics;
using System.Globalization;
using SocialInvestment.Engine;

namespace SocialInvestment.Cli;

/// <summary>
/// Progress on standard error for runs that take more than a moment: silent for the first
/// <see cref="Delay"/> (unless verbose), then one line per stage, redrawn in place on a terminal.
/// Synchronous (reports are written on the reporting thread), so lines never interleave.
/// </summary>
internal sealed class ProgressDisplay(TextWriter error, bool terminal, bool verbose) : IProgress<RunProgress>
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _openLine;

    public void Stage(string text) => Write(text, done: false);

    public void Report(RunProgress value) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"{value.Stage} ({value.Completed}/{value.Total})"), done: false);

    /// <summary>Ends an in-place line so that later output starts on a fresh line.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_openLine)
            {
                error.WriteLine();
                _openLine = false;
            }
        }
    }

    private void Write(string text, bool done)
    {
        lock (_gate)
        {
            if (!verbose && _clock.Elapsed < Delay)
            {
                return;
            }

            var stamp = _clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            if (terminal)
            {
                error.Write($"\r\u001b[2K[{stamp}s] {text}");
                _openLine = !done;
            }
            else
            {
                error.WriteLine($"[{stamp}s] {text}");
            }
        }
    }
}

// The only place that touches the process console: everything else writes to the TextWriters it is given.
#pragma warning disable RS0030 // Console is banned in library code; the tool's entry point is where it belongs.
using SocialInvestment.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return CliApp.Run(args, Console.Out, Console.Error, new CliEnvironment(ErrorIsTerminal: !Console.IsErrorRedirected), cancel.Token);

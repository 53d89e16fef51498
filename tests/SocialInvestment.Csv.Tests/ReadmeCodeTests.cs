using System.Diagnostics;
using System.Text.RegularExpressions;
using SocialInvestment.Csv.Tests.TestSupport;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// Every C# block of README.md compiles as pasted and runs: each block becomes the Program.cs of a
/// console app of its own that references the libraries (as a user's app references the packages),
/// is built in Release and run. A block that needs a name it does not define, or a <c>using</c> it
/// does not state, fails here.
/// </summary>
[NonParallelizable]
public sealed partial class ReadmeCodeTests
{
    [GeneratedRegex(@"```csharp\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Test]
    [CancelAfter(600_000)]
    public void EveryCSharpBlock_CompilesAsPastedAndRuns()
    {
        var root = Repository.Root;
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value).ToArray();
        Assert.That(blocks, Has.Length.GreaterThanOrEqualTo(3), "the README's examples");

        var dir = Directory.CreateTempSubdirectory("socinv-readme-code-").FullName;
        try
        {
            var projects = new List<string>();
            for (var i = 0; i < blocks.Length; i++)
            {
                var name = $"ReadmeBlock{i + 1}";
                var folder = Path.Combine(dir, name);
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "Program.cs"), blocks[i]);
                File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <OutputType>Exe</OutputType>
                        <TargetFramework>net10.0</TargetFramework>
                        <ImplicitUsings>enable</ImplicitUsings>
                        <Nullable>enable</Nullable>
                        <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                      </PropertyGroup>
                      <ItemGroup>
                        <ProjectReference Include="{Path.Combine(root, "src", "SocialInvestment", "SocialInvestment.csproj")}" />
                        <ProjectReference Include="{Path.Combine(root, "src", "SocialInvestment.Csv", "SocialInvestment.Csv.csproj")}" />
                      </ItemGroup>
                    </Project>
                    """);
                projects.Add(Path.Combine(folder, name + ".csproj"));
            }

            for (var i = 0; i < blocks.Length; i++)
            {
                // The libraries are built by the solution build that precedes the tests; reuse them.
                var build = Run(dir, $"build \"{projects[i]}\" -c Release -p:BuildProjectReferences=false -nologo");
                Assert.That(build.ExitCode, Is.Zero, $"README block {i + 1} must compile as pasted:\n{build.Output}");
                var name = $"ReadmeBlock{i + 1}";
                var run = Run(dir, Path.Combine(dir, name, "bin", "Release", "net10.0", name + ".dll"));
                Assert.That(run.ExitCode, Is.Zero, $"README block {i + 1} must run:\n{run.Output}");
                Assert.That(run.Output, Does.Contain("NPV"), $"README block {i + 1} prints its result");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string workingDirectory, string arguments)
    {
        var info = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

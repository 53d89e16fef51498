using System.Text.RegularExpressions;
using SocialInvestment.Csv.Tests.TestSupport;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// docs/architecture.md matches the tree: every path and every type (or <c>Type.Member</c>) it names
/// in code font exists. Code font outside fenced blocks is read as a path when it contains a slash
/// (a trailing slash names a folder), as a type when it is one capitalised identifier, optionally
/// followed by <c>.Member</c>. Types are looked up among the declarations under src/ and tests/ (and, for names
/// such as <c>CancellationToken</c>, in the .NET base library); a member must be named in a file that
/// declares the type.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    [Test]
    public void Every_path_and_type_in_the_architecture_doc_exists()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "architecture.md"));
        var (paths, types) = Mentions(doc);
        Assert.That(paths, Has.Count.GreaterThan(40), "the doc names the files it describes");
        Assert.That(types, Has.Count.GreaterThan(40), "the doc names the types it describes");
        Assert.That(Missing(doc), Is.Empty, "named in docs/architecture.md but not in the tree");
    }

    [Test]
    public void The_check_reports_a_path_or_type_that_does_not_exist()
    {
        var text = "`src/SocialInvestment/Engine/NoSuchFile.cs`, `NoSuchType`, `CohortEngine.NoSuchMember`, `CohortEngine.RunAll`, `src/SocialInvestment/Engine/`";
        Assert.That(Missing(text), Is.EquivalentTo(new[] { "src/SocialInvestment/Engine/NoSuchFile.cs", "NoSuchType", "CohortEngine.NoSuchMember" }));
    }

    private static List<string> Missing(string doc)
    {
        var root = Repository.Root;
        var (paths, types) = Mentions(doc);
        var declarations = Declarations(root);
        var missing = new List<string>();
        foreach (var path in paths)
        {
            var full = Path.Combine(root, path);
            if (path.EndsWith('/') ? !Directory.Exists(full) : !File.Exists(full) && !Directory.Exists(full))
            {
                missing.Add(path);
            }
        }

        foreach (var name in types)
        {
            var parts = name.Split('.');
            if (declarations.Namespaces.Contains(name))
            {
                continue;
            }

            if (!declarations.Types.TryGetValue(parts[0], out var files))
            {
                if (parts.Length > 1 || !IsBaseLibraryType(parts[0]))
                {
                    missing.Add(name);
                }

                continue;
            }

            if (parts.Length == 2 && !files.Any(f => Regex.IsMatch(File.ReadAllText(f), $@"\b{Regex.Escape(parts[1])}\b")))
            {
                missing.Add(name);
            }
        }

        return missing;
    }

    private static (List<string> Paths, List<string> Types) Mentions(string doc)
    {
        var prose = FencedBlock().Replace(doc, "");
        var paths = new List<string>();
        var types = new List<string>();
        foreach (Match m in CodeSpan().Matches(prose))
        {
            var span = m.Groups[1].Value;
            if (span.Contains('/', StringComparison.Ordinal) && !span.Contains(' ', StringComparison.Ordinal))
            {
                paths.Add(span);
            }
            else if (TypeName().IsMatch(span))
            {
                types.Add(span);
            }
        }

        return (paths.Distinct().ToList(), types.Distinct().ToList());
    }

    private static (Dictionary<string, List<string>> Types, HashSet<string> Namespaces) Declarations(string root)
    {
        var types = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        var sep = Path.DirectorySeparatorChar;
        foreach (var file in new[] { "src", "tests" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
                     .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Declaration().Matches(text))
            {
                var name = m.Groups[1].Value;
                if (!types.TryGetValue(name, out var list))
                {
                    types[name] = list = [];
                }

                list.Add(file);
            }

            foreach (Match m in NamespaceDeclaration().Matches(text))
            {
                namespaces.Add(m.Groups[1].Value);
            }
        }

        return (types, namespaces);
    }

    private static bool IsBaseLibraryType(string name)
        => new[] { "System", "System.Threading", "System.Collections.Generic" }.Any(ns => Type.GetType($"{ns}.{name}") is not null);

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)?$")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"\b(?:class|struct|record|enum|interface)\s+([A-Z][A-Za-z0-9]*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}

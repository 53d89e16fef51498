using System.Globalization;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Model;

namespace SocialInvestment.Scenarios;

/// <summary>
/// <c>register.csv</c>, a client register snapshot: one row per person with the columns
/// <c>person_id</c>, <c>age</c>, <c>state</c> (required), <c>time_in_state</c>, <c>household_id</c>
/// (optional), and any other column as a named attribute (for example <c>district</c>; lower-case
/// letters, digits and underscores). Read strictly like every scenario table (UTF-8, invariant
/// numbers, '#' comments); every problem is reported at once with file, line, column and field:
/// unknown states, impossible ages (not a number in [0, 130]), duplicate person ids, a negative
/// time in state.
/// </summary>
public static class RegisterFile
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "register.csv";

    private static readonly string[] Known = ["person_id", "age", "state", "time_in_state", "household_id"];

    /// <summary>Reads a register file and checks it against a model.</summary>
    /// <param name="path">The file.</param>
    /// <param name="model">The model whose states the register uses.</param>
    /// <param name="limits">Size limits; null for <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="ScenarioFormatException">Every problem, with file, line, column and field.</exception>
    public static ClientRegister Read(string path, LifeCourseModel model, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        var full = Path.GetFullPath(path);
        var name = Path.GetFileName(full);
        var opened = ScenarioInput.Open(Path.GetDirectoryName(full)!, name, limits.MaxFileBytes);
        if (opened.Stream is null)
        {
            throw new ScenarioFormatException([new ScenarioProblem(name, null, null, null, opened.Problem ?? "The register file is missing.")]);
        }

        using (opened.Stream)
        {
            return ReadStream(opened.Stream, name, model, limits, Path.GetFileNameWithoutExtension(name));
        }
    }

    /// <summary>Reads a register from a stream (for example an embedded resource).</summary>
    /// <param name="stream">The CSV bytes.</param>
    /// <param name="file">The file name used in messages.</param>
    /// <param name="model">The model.</param>
    /// <param name="limits">Size limits; null for the defaults.</param>
    /// <param name="label">The snapshot's label (for example <c>2025-12-31</c>); null for the file name.</param>
    /// <exception cref="ScenarioFormatException">Every problem.</exception>
    public static ClientRegister ReadStream(Stream stream, string file, LifeCourseModel model, ScenarioLimits? limits, string? label)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(model);
        limits ??= ScenarioLimits.Default;
        var problems = new ProblemList(limits.MaxProblems);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();

        // The attribute columns are whatever the header names beyond the known ones.
        var header = HeaderOf(bytes);
        var columns = new List<ColumnSpec>
        {
            new("person_id", true, "an identifier, unique in the register (a pseudonym, never a national identity number)"),
            new("age", true, $"age in years at the snapshot date, in [0, {ClientRegister.MaxAge}]"),
            new("state", true, $"a state of the model ({string.Join(", ", model.States.Select(s => s.Name))})"),
            new("time_in_state", false, "completed cycles in the state, a whole number ≥ 0 (tunnel states only; default 0)"),
            new("household_id", false, "a household identifier (optional)"),
        };
        foreach (var h in header.Where(h => !Known.Contains(h, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal))
        {
            columns.Add(new ColumnSpec(h, false, "an attribute value (text)"));
        }

        var attributeNames = columns.Skip(Known.Length).Select(c => c.Name).ToArray();
        foreach (var a in attributeNames.Where(a => a.Length == 0 || !a.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')))
        {
            problems.Add(new ScenarioProblem(file, 1, Array.IndexOf(header, a) + 1, a, $"Attribute column '{a}' must be named with lower-case letters, digits and underscores (for example district)."));
        }

        var persons = new List<RegisterPerson>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var ages = new Dictionary<string, int>(StringComparer.Ordinal);
        CsvTable.Read(new MemoryStream(bytes, writable: false), file, columns, problems, limits, CsvFormat.Invariant, row =>
        {
            var id = row.Name("person_id", columns[0].Form);
            var age = row.Number("age", columns[1].Form, required: true);
            var state = row.Name("state", columns[2].Form);
            var tis = row.Integer("time_in_state", columns[3].Form) ?? 0;
            var household = row.Text("household_id");
            var ok = id.Length > 0 && age is not null && state.Length > 0;
            if (id.Length > 0 && !seen.TryAdd(id, row.Line))
            {
                row.Problem("person_id", string.Create(CultureInfo.InvariantCulture, $"Person id '{id}' is a duplicate of line {seen[id]}; each person has one row."));
                ok = false;
            }

            if (age is double a && !(a >= 0 && a <= ClientRegister.MaxAge))
            {
                row.Problem("age", string.Create(CultureInfo.InvariantCulture, $"Age {a} is impossible: expected {columns[1].Form}."));
                ok = false;
            }

            if (state.Length > 0 && !model.States.Any(s => s.Name == state))
            {
                row.Problem("state", $"Unknown state '{state}'; expected {columns[2].Form}.");
                ok = false;
            }

            if (tis < 0)
            {
                row.Problem("time_in_state", $"Time in state {tis} is negative; expected {columns[3].Form}.");
                ok = false;
            }

            if (!ok)
            {
                return;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var n in attributeNames)
            {
                if (row.Text(n) is { } v)
                {
                    attributes[n] = v;
                }
            }

            persons.Add(new RegisterPerson(id, age!.Value, state, tis, household, attributes));
        });

        if (problems.Total > 0)
        {
            throw problems.ToException();
        }

        return new ClientRegister(persons, label);
    }

    /// <summary>Writes a register (invariant culture, round-trip numbers): the known columns, then every attribute.</summary>
    /// <param name="register">The register.</param>
    /// <param name="stream">The destination.</param>
    public static void Write(ClientRegister register, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(stream);
        var header = Known.Concat(register.AttributeNames).ToArray();
        CsvFiles.WriteCsv(stream, header, register.Persons.Select(p => new string?[]
        {
            p.PersonId,
            p.Age.ToString("R", CultureInfo.InvariantCulture),
            p.State,
            p.TimeInState.ToString(CultureInfo.InvariantCulture),
            p.HouseholdId,
        }.Concat(register.AttributeNames.Select(p.Attribute)).ToArray()));
    }

    /// <summary>The header fields of the first line that is not a comment or blank (trimmed; quotes removed).</summary>
    private static string[] HeaderOf(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.TrimStart().StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            return line.Split(',').Select(h => h.Trim().Trim('"').Trim()).ToArray();
        }

        return [];
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace SocialInvestment.Cli;

/// <summary>
/// Builders for options whose values are parsed by socinv itself, so that every malformed value is a
/// usage error with a message in the user's terms (never a .NET type name, never an exception).
/// </summary>
internal static class CliOptions
{
    /// <summary>
    /// A whole-number option with an inclusive range. The token must be plain digits (an optional
    /// leading + or −); "1.5", "1e3", "abc" and values outside the range are usage errors that name
    /// the option, the token and the range.
    /// </summary>
    public static Option<long?> WholeNumber(string name, long min, long max, string description, params string[] aliases)
    {
        var option = new Option<long?>(name, aliases) { Description = description, HelpName = "N" };
        option.CustomParser = r => ParseWholeNumber(r, name, min, max);
        return option;
    }

    /// <summary>Parses the single token of <paramref name="r"/>; adds an error and returns null when it is not a whole number in [min, max].</summary>
    internal static long? ParseWholeNumber(ArgumentResult r, string name, long min, long max)
    {
        if (r.Tokens.Count != 1)
        {
            r.AddError($"{name} takes one value.");
            return null;
        }

        var token = r.Tokens[0].Value;
        var (value, error) = ParseWholeNumber(token, name, min, max);
        if (error is not null)
        {
            r.AddError(error);
        }

        return value;
    }

    /// <summary>The value of a whole-number token, or the message that says why it is not one in [min, max].</summary>
    internal static (long? Value, string? Error) ParseWholeNumber(string token, string name, long min, long max)
    {
        var c = CultureInfo.InvariantCulture;
        var range = string.Create(c, $"{min:N0} to {max:N0}");
        var trimmed = token.Trim();
        var digits = trimmed.TrimStart('+', '-');
        if (trimmed.Length == 0 || digits.Length == 0 || trimmed.Length - digits.Length > 1 || !digits.All(char.IsAsciiDigit))
        {
            var hint = trimmed.Contains('e', StringComparison.OrdinalIgnoreCase) && double.TryParse(trimmed, NumberStyles.Float, c, out var d) && double.IsFinite(d)
                ? string.Create(c, $" (write the digits: {d:0.#######} rather than {trimmed})")
                : trimmed.Contains('.', StringComparison.Ordinal) || trimmed.Contains(',', StringComparison.Ordinal) ? " (no decimals or thousands separators)" : string.Empty;
            return (null, $"{name} expects a whole number from {range}; '{token}' is not one{hint}.");
        }

        var big = BigInteger.Parse(trimmed, NumberStyles.AllowLeadingSign, c);
        if (big < min || big > max)
        {
            return (null, $"{name} must be a whole number from {range}; got {trimmed}.");
        }

        return ((long)big, null);
    }

    /// <summary>The <c>--language</c> option of a command that writes a report: en (English, the default) or nb (Norwegian bokmål); any other value is a usage error.</summary>
    public static Option<string> Language(string description)
    {
        var option = new Option<string>("--language") { Description = description, DefaultValueFactory = _ => "en", HelpName = "LANG" };
        option.AcceptOnlyFromAmong("en", "nb");
        return option;
    }

    /// <summary>A folder-path option that must not be empty or blank and must be a usable path on this system.</summary>
    public static Option<string> FolderPath(string name, string description, string defaultValue, params string[] aliases)
    {
        var option = new Option<string>(name, aliases) { Description = description, HelpName = "DIR", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.Implicit)
            {
                return;
            }

            var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                r.AddError($"{name} needs a folder name; got an empty value.");
            }
            else if (value.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                r.AddError($"{name} '{value}' contains a character that is not allowed in a path.");
            }
        });
        return option;
    }

    /// <summary>True when the user wrote the option on the command line (not a default value).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}

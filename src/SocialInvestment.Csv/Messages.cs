namespace SocialInvestment.Scenarios;

/// <summary>Turns exception messages into user messages: no parameter names or "Actual value was" text from .NET.</summary>
internal static class Messages
{
    public static string Clean(Exception e)
    {
        var m = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: not null })
        {
            var i = m.LastIndexOf("Actual value was", StringComparison.Ordinal);
            if (i > 0)
            {
                m = m[..i].TrimEnd();
            }
        }

        if (e is ArgumentException { ParamName: { } name })
        {
            m = m.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        return m.Trim();
    }
}

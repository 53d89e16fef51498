using System.Text.RegularExpressions;

namespace SocialInvestment.Reporting.Tests;

public partial class TextsTests
{
    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    [Test]
    public void EveryMessage_ExistsInBothLanguages()
    {
        var en = Texts.English.Keys.Order(StringComparer.Ordinal).ToArray();
        var nb = Texts.Norwegian.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.That(nb.Except(en), Is.Empty, "Norwegian keys without English");
        Assert.That(en.Except(nb), Is.Empty, "English keys without Norwegian");
    }

    [Test]
    public void EveryMessage_HasTheSamePlaceholdersInBothLanguages()
    {
        foreach (var (key, english) in Texts.English)
        {
            var a = Placeholder().Matches(english).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
            var b = Placeholder().Matches(Texts.Norwegian[key]).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
            Assert.That(b, Is.EqualTo(a), key);
        }
    }

    [Test]
    public void EveryFigureReason_HasAFootnote()
    {
        foreach (var reason in Enum.GetNames<SocialInvestment.Economics.FigureReason>())
        {
            Assert.That(Texts.English.ContainsKey("reason." + reason), Is.True, reason);
        }
    }

    [Test]
    public void EveryEffectMeasure_HasAName()
    {
        foreach (var measure in Enum.GetNames<SocialInvestment.Model.EffectMeasure>())
        {
            Assert.That(Texts.English.ContainsKey("measure." + measure), Is.True, measure);
        }
    }

    [Test]
    public void NorwegianText_IsNotEnglish()
    {
        // A translation left as the English text is a missed translation, except for names and symbols.
        var same = Texts.English.Where(kv => Texts.Norwegian[kv.Key] == kv.Value && Regex.IsMatch(kv.Value, "[a-z]{4,}")).Select(kv => kv.Key).ToArray();
        Assert.That(same, Is.EquivalentTo(new[] { "col.parameter", "contract.col.median", "liability.col.perPerson" }), "Parameter, Median and Per person are the same words in both languages");
    }
}

using SocialInvestment.Model;
using SocialInvestment.Scenarios;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Csv.Tests;

/// <summary>
/// A scenario's age bands are of scaled form where a band with a parameter applies
/// (<c>(parameter · value) · (cycle length or 1)</c>), so a PSA computes its drawn transitions and flows
/// as vectors: the form is the band function's value bit for bit, and the Norwegian default's drawn
/// transitions take it.
/// </summary>
public sealed class BandFunctionTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void ScaledForm_IsTheBandValue_BitForBit(bool perCycle)
    {
        var bands = new[]
        {
            new ModelMapper.Band(0, 18, 0.37, 0),
            new ModelMapper.Band(18, 40, 123.45, -1),
            new ModelMapper.Band(40, double.PositiveInfinity, 1.0 / 3, 1),
        };
        var function = new ModelMapper.BandFunction(bands, perCycle);
        var f = function.Function;
        var random = new Random(7);
        var scaled = 0;
        for (var k = 0; k < 200; k++)
        {
            var parameters = new ParameterValues([random.NextDouble() * 1e6, random.NextDouble()]);
            var c = new ModelContext(random.Next(0, 60), 0.25 + random.Next(0, 4), 5, 0, parameters);
            var value = f(in c);
            if (ScaledForm.TryGet(f, in c, out var p, out var a, out var b))
            {
                scaled++;
                Assert.That(((parameters[p] * a) * b).Equals(value), $"age {c.Age}: ({parameters[p]:R} · {a:R}) · {b:R} against {value:R}");
                Assert.That(b, Is.EqualTo(perCycle ? c.CycleLengthYears : 1.0));
            }
            else
            {
                Assert.That(c.Age >= 18 - 1e-9 && c.Age < 40 - 1e-9, $"only the band without a parameter is not scaled (age {c.Age})");
            }
        }

        Assert.That(scaled, Is.GreaterThan(50));
    }

    [Test]
    public void NorwegianDefault_DrawnTransitions_AreComputedInScaledForm()
    {
        var scenario = NorwegianDefault.Load();
        var model = scenario.BuildModel();
        var spec = scenario.ToPsaSpecification(model);
        var evaluator = CohortDrawEvaluator.Create(spec, model.Strategies, 0, scenario.Perspectives())!;
        var counts = evaluator.BlockCounts();
        int Count(string name) => int.Parse(System.Text.RegularExpressions.Regex.Match(counts, $"\"{name}\":(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(Count("row_entries_evaluated"), Is.GreaterThan(0));
        Assert.That(Count("row_entries_scaled"), Is.EqualTo(Count("row_entries_evaluated")), "every drawn transition of the default is a band times its parameter");
    }
}

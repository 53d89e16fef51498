using SocialInvestment.Reporting.Tests.TestSupport;

namespace SocialInvestment.Reporting.Tests;

/// <summary>ReportOptions.Threads draws a report's charts in parallel; the images must not depend on it.</summary>
public class ReportThreadsTests
{
    private static Report Build(int threads)
    {
        var (results, appraisals) = YouthModel.Run();
        var options = new ReportOptions { Title = "Threads", ChartWidth = 600, ChartHeight = 340, Threads = threads };
        return new ReportBuilder(results, results[0], appraisals, options).WithUncertainty(YouthModel.Psa()).Build();
    }

    [Test]
    public void Charts_OneTwoAndEveryCore_SameImagesByteForByte()
    {
        var one = Build(1);
        Assert.That(one.Charts, Has.Count.GreaterThanOrEqualTo(8), "the report must have enough charts for the comparison to mean something");
        foreach (var threads in new[] { 2, 0 })
        {
            var other = Build(threads);
            Assert.That(other.Charts.Select(c => c.FileName), Is.EqualTo(one.Charts.Select(c => c.FileName)), $"threads {threads}: order");
            for (var i = 0; i < one.Charts.Count; i++)
            {
                Assert.That(other.Charts[i].Png.ToArray(), Is.EqualTo(one.Charts[i].Png.ToArray()), $"threads {threads}: {one.Charts[i].FileName}");
            }
        }
    }

    [Test]
    public void Threads_Negative_IsRefused()
    {
        var (results, appraisals) = YouthModel.Run();
        Assert.That(
            () => new ReportBuilder(results, results[0], appraisals, new ReportOptions { Threads = -1 }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentOutOfRangeException.ParamName)).EqualTo("Threads"));
    }
}

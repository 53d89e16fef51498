using BenchmarkDotNet.Attributes;
using SocialInvestment.Decisions;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;

namespace SocialInvestment.Benchmarks;

/// <summary>
/// The caseload liability of a 100,000-person register on the welfare-sized model (15 states, 26
/// cycles: its age functions are valid to age 92, and the oldest start age is 66) against the naive baseline: one single-person cohort run (compile + run) per person.
/// The register is synthetic (fixed seed): whole-year ages 12–66 in the 14 living states, time in
/// state 0, so it has at most 55 × 14 = 770 distinct profiles. The baseline is checked against the
/// grouped computation on the first 2,000 persons in <c>GlobalSetup</c> (to 1e-9 relative).
/// </summary>
[MemoryDiagnoser]
public class LiabilityBenchmarks
{
    private LifeCourseModel _model = null!;
    private ClientRegister _register = null!;

    /// <summary>Persons in the register.</summary>
    [Params(100_000)]
    public int Persons { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = WelfareModel.Build(cycles: 26);
        _register = Register(Persons, _model);
        var head = new ClientRegister(_register.Persons.Take(2_000));
        var grouped = CaseloadLiability.Compute(_model, head).Public;
        var naive = Naive(_model, head);
        if (Math.Abs(grouped - naive) > 1e-9 * Math.Abs(grouped))
        {
            throw new InvalidOperationException($"The naive baseline disagrees with the grouped liability: {naive} vs {grouped}.");
        }
    }

    [Benchmark(Baseline = true, Description = "naive: one cohort run per person")]
    public double PerPerson() => Naive(_model, _register);

    [Benchmark(Description = "grouped profiles (CaseloadLiability.Compute)")]
    public double Grouped() => CaseloadLiability.Compute(_model, _register).Public;

    internal static ClientRegister Register(int n, LifeCourseModel model)
    {
        var living = model.States.Where(s => !s.IsAbsorbing).Select(s => s.Name).ToArray();
        var rng = new Random(20251231);
        var districts = new[] { "Sentrum", "Nord", "Sør", "Vest" };
        return new ClientRegister(Enumerable.Range(0, n).Select(i => new RegisterPerson(
            $"p{i}",
            rng.Next(12, 67),
            living[rng.Next(living.Length)],
            attributes: new Dictionary<string, string> { ["district"] = districts[rng.Next(districts.Length)] })));
    }

    /// <summary>The public liability as the sum of one single-person cohort run per person (no grouping, no reuse).</summary>
    internal static double Naive(LifeCourseModel model, ClientRegister register)
    {
        var total = 0.0;
        foreach (var p in register.Persons)
        {
            var run = CohortEngine.Run(model.WithPopulation(Population.StartingIn(p.Age, p.State, 1)), Strategy.BusinessAsUsual);
            for (var a = 0; a < model.Accounts.Count; a++)
            {
                if (model.Accounts[a].Payer.IsPublic)
                {
                    total += run.TotalFlow(a, null, discounted: true);
                }
            }
        }

        return total;
    }
}

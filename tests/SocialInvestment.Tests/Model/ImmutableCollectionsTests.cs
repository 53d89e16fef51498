using System.Collections;
using System.Reflection;
using SocialInvestment.Economics;
using SocialInvestment.Engine;
using SocialInvestment.Model;
using SocialInvestment.Uncertainty;

namespace SocialInvestment.Tests.Model;

/// <summary>
/// The public API's read-only collections are read-only in fact: no <c>IReadOnlyList</c> or
/// <c>IReadOnlyDictionary</c> reachable from a built model or its results is an array, a
/// <c>List</c> or a <c>Dictionary</c> that a cast could change.
/// </summary>
public class ImmutableCollectionsTests
{
    private static readonly Payer P = new("payer", true);
    private static readonly Payer Q = new("other", false);
    private static readonly Sector S = new("sector");
    private static readonly Account Cost = new(P, S, FlowKind.ResourceCost);
    private static readonly Account Gain = new(Q, S, FlowKind.Transfer);

    private static LifeCourseModel Model()
    {
        var b = new LifeCourseModelBuilder("immutable");
        b.AddState("A").AddState("B", tunnelCycles: 2).AddState("Dead", absorbing: true).AddPayers(P, Q).AddSectors(S).AddOutcomes(Outcome.LifeYears);
        var pAB = b.AddParameter("p_AB", 0.2, "A to B");
        var cost = b.AddParameter("cost", 500);
        b.Probability("A", "B", (in ModelContext c) => c[pAB]).Probability("A", "Dead", 0.01).Remainder("A", "A");
        b.Probability("B", "Dead", 0.05).Remainder("B", "B");
        b.StateFlow("A", Cost, 100).StateFlow("B", Cost, 1_000).StateFlow("B", Gain, -50);
        b.StateOutcome("A", Outcome.LifeYears, 1).StateOutcome("B", Outcome.LifeYears, 1);
        b.WithPopulation(new Population([new PopulationGroup(30, "A", 0.7), new PopulationGroup(40, "B", 0.3)], 100));
        b.WithPriceYear(2024, new Dictionary<int, double> { [2023] = 98, [2024] = 100 });
        var iv = Intervention.Create("prevent").EligibleIn("A").AffectTransition("A", "B", EffectMeasure.RelativeRisk, 0.5)
            .CostPerCycle(Cost, Quantity.Of(cost), 3, "A").UpfrontCost(Cost, 200).Build();
        b.AddStrategy(new Strategy("prevent", iv));
        b.WithOptions(new SimulationOptions { Cycles = 8 });
        return b.Build();
    }

    [Test]
    public void ModelAndResults_HoldNoCollectionACastCouldChange()
    {
        var model = Model();
        var bau = CohortEngine.Run(model, Strategy.BusinessAsUsual);
        var prevent = CohortEngine.Run(model, model.Strategies.Single(s => s.Name == "prevent"));
        var appraisal = Appraisal.Compare(prevent, bau, Perspective.ForPayer(P));
        var spec = new PsaSpecification(model).With("p_AB", new BetaDistribution(20, 80));
        var psa = ProbabilisticAnalysis.Run(spec, new PsaOptions { Draws = 16, Seed = 3, Threads = 1, KeepDraws = true });

        var mutable = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (root, name) in new (object, string)[] { (model, "model"), (bau, "bau"), (prevent, "prevent"), (appraisal, "appraisal"), (psa, "psa") })
        {
            Walk(root, name, mutable, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
        }

        Assert.That(string.Join(Environment.NewLine, mutable), Is.Empty, "read-only collections that a cast can change");
    }

    [Test]
    public void CastingAModelsListsToArraysOrIList_CannotChangeThem()
    {
        var model = Model();
        Assert.Multiple(() =>
        {
            Assert.That(model.States, Is.Not.InstanceOf<State[]>());
            Assert.That(model.Parameters, Is.Not.InstanceOf<Parameter[]>());
            Assert.Throws<NotSupportedException>(() => ((IList<State>)model.States)[0] = new State("X"));
            Assert.Throws<NotSupportedException>(() => ((IList<Parameter>)model.Parameters)[0] = new Parameter("x", 1));
            Assert.Throws<NotSupportedException>(() => ((IList<Strategy>)model.Strategies).Clear());
            Assert.Throws<NotSupportedException>(() => ((IDictionary<int, double>)model.PriceIndex!)[2024] = 1);
            var costs = model.Strategies.Single(s => s.Name == "prevent").Interventions[0].Costs;
            Assert.Throws<NotSupportedException>(() => ((IList<InterventionCost>)costs)[0] = costs[1]);
            Assert.Throws<NotSupportedException>(() => ((IList<string>)costs[0].States!)[0] = "B");
        });
    }

    // Follows public properties of the library's own types (and the elements of their collections)
    // and records every read-only-typed collection whose object says it is writable.
    private static void Walk(object? value, string path, SortedSet<string> mutable, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items && value.GetType().Assembly != typeof(LifeCourseModel).Assembly)
        {
            var i = 0;
            foreach (var item in items)
            {
                if (i++ >= 3)
                {
                    break;
                }

                Walk(item is DictionaryEntry d ? d.Value : item, $"{path}[{i - 1}]", mutable, seen, depth + 1);
            }

            return;
        }

        if (value.GetType().Assembly != typeof(LifeCourseModel).Assembly)
        {
            return;
        }

        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.PropertyType.IsByRefLike)
            {
                continue;
            }

            object? v;
            try
            {
                v = p.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue; // a property that needs something the run did not keep
            }

            if (IsReadOnlyCollectionType(p.PropertyType) && IsWritable(v))
            {
                mutable.Add($"{value.GetType().Name}.{p.Name} ({v!.GetType().Name})");
            }

            Walk(v, $"{path}.{p.Name}", mutable, seen, depth + 1);
        }
    }

    private static bool IsReadOnlyCollectionType(Type t)
        => t.IsGenericType && t.GetGenericTypeDefinition() is var g
            && (g == typeof(IReadOnlyList<>) || g == typeof(IReadOnlyCollection<>) || g == typeof(IReadOnlyDictionary<,>) || g == typeof(IEnumerable<>));

    private static bool IsWritable(object? v) => v switch
    {
        null => false,
        Array => true,
        IList l => !l.IsReadOnly,
        IDictionary d => !d.IsReadOnly,
        _ => v.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>)
            && !(bool)i.GetProperty(nameof(ICollection<int>.IsReadOnly))!.GetValue(v)!),
    };
}

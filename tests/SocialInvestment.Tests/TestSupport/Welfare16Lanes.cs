using SocialInvestment.Model;
using SocialInvestment.Uncertainty;
using SocialInvestment.Workloads;

namespace SocialInvestment.Tests.TestSupport;

/// <summary>A cohort PSA worker of the welfare-16 workload (mean-effect uptake, its six perspectives) on the lane path, and buffers for its draws.</summary>
internal static class Welfare16Lanes
{
    /// <summary>The model and a new worker of its evaluator, which must run its draws in lanes.</summary>
    public static (LifeCourseModel Model, CohortDrawEvaluator.Worker Worker) Create()
    {
        var model = Welfare16.Build(UptakeMode.MeanEffect);
        var evaluator = CohortDrawEvaluator.Create(Welfare16.Specification(model), model.Strategies, 0, Welfare16.Perspectives)!;
        Assert.That(evaluator.HasLanes);
        return (model, evaluator.CreateWorker());
    }

    /// <summary>Buffers for <paramref name="draws"/> draws of the model's strategies and outcomes, its parameters and the six perspectives.</summary>
    public static PsaBuffers Buffers(LifeCourseModel model, int draws)
    {
        int S = model.Strategies.Count, V = Welfare16.Perspectives.Count, O = model.Outcomes.Count, P = model.Parameters.Count;
        return new PsaBuffers(new double[S * V * draws], new double[S * Math.Max(O, 1) * draws], new double[4 * S * V * draws], new double[P * draws], draws, 0);
    }
}

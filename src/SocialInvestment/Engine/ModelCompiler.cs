using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// Compiles a model for one strategy and parameter set into a <see cref="CompiledModel"/>: the
/// Model layer's staged evaluation (<see cref="CompilationStages"/>: state space, transition-row
/// kernel, flow and event tables, time weights) wrapped with the structure the engines read.
/// </summary>
internal static class ModelCompiler
{
    public static CompiledModel? Compile(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems)
        => Compile(model, strategy, parameters, problems, null);

    /// <summary>Compiles; with a recorder, also records the parameters every compiled block reads (<see cref="CompiledDependence"/>).</summary>
    internal static CompiledModel? Compile(LifeCourseModel model, Strategy strategy, ParameterValues parameters, List<ValidationProblem> problems, DependenceRecorder? recorder)
        => CompilationStages.Evaluate(model, strategy, parameters, problems, recorder) is var (c, subcohorts) ? Result(c, subcohorts) : null;

    /// <summary>The compiled model of the sub-cohorts of a compilation.</summary>
    internal static CompiledModel Result(Compilation c, Subcohort[] subcohorts)
        => new(c.Model, c.Strategy, c.Recorder is null ? c.Parameters : c.Recorder.Untracked, c.T, c.Space.BaseCount, c.Space.BaseOf, c.Space.TimeInStateOf, c.A, c.O, c.Time.StateWeights, c.Time.PreviousWeights, c.Time.EventWeights, c.Time.CostDiscountFactors, c.Time.OutcomeDiscountFactors, subcohorts)
        {
            Columns = c.Columns(),
            Cells = c.Cells(),
        };
}

using SocialInvestment.Model;

namespace SocialInvestment.Engine;

/// <summary>
/// Compiles a <see cref="LifeCourseModel"/> (a definition) into the dense arrays the engines run.
/// An extension method, so that the definition layer does not depend on the engine.
/// </summary>
public static class ModelCompilation
{
    /// <summary>
    /// Compiles the model for one strategy and parameter set into dense arrays. Every user function
    /// is evaluated here, once per cell; the engines never call back into them.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="strategy">The strategy (need not be registered, but its accounts must be known).</param>
    /// <param name="parameters">Parameter values; null for <see cref="LifeCourseModel.BaseParameters"/>.</param>
    /// <exception cref="ModelValidationException">A value is invalid (negative probability, row not summing to one, NaN).</exception>
    public static CompiledModel Compile(this LifeCourseModel model, Strategy strategy, ParameterValues? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(strategy);
        var problems = new List<ValidationProblem>();
        var compiled = ModelCompiler.Compile(model, strategy, parameters ?? model.BaseParameters, problems);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(problems);
        }

        return compiled!;
    }
}

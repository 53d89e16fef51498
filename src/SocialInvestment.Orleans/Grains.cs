namespace SocialInvestment.Orleans;

/// <summary>
/// Holds one scenario document (or another content-addressed document of a run: the household
/// tables' bundle) in memory, keyed by its content hash. The coordinator stores the document once;
/// a silo that receives a range for a hash it has not cached fetches it from here.
/// </summary>
public interface IScenarioDefinitionGrain : IGrainWithStringKey
{
    /// <summary>Stores the document (its hash must equal the grain's key).</summary>
    /// <param name="document">The canonical bytes of the document.</param>
    Task Store(byte[] document);

    /// <summary>The stored document, or null when this activation holds none (for example after the silo that held it stopped).</summary>
    Task<byte[]?> Fetch();
}

/// <summary>
/// Runs one range of a cluster run (people or draws) with the library's engines and returns the
/// partial. Keyed by <see cref="ClusterWork.RangeKey"/>: a range asked for twice is computed once
/// while the activation lives, and the coordinator counts each key once.
/// </summary>
public interface IRangeGrain : IGrainWithStringKey
{
    /// <summary>Runs the range [<paramref name="first"/>, first + <paramref name="count"/>).</summary>
    /// <param name="work">The run's description.</param>
    /// <param name="first">First person or draw.</param>
    /// <param name="count">Number of people or draws.</param>
    /// <param name="cancellationToken">Stops the computation (checked within the engines' blocks).</param>
    Task<RangeOutcome> Run(ClusterWork work, long first, long count, CancellationToken cancellationToken);
}

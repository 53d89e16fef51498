namespace SocialInvestment.Orleans;

/// <summary>Holds one scenario document in the memory of the silo it is activated on.</summary>
internal sealed class ScenarioDefinitionGrain : Grain, IScenarioDefinitionGrain
{
    private byte[]? _document;

    public Task Store(byte[] document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var hash = Model.ContentHash.Of(document).ToString();
        if (!string.Equals(hash, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"The document's hash {hash} is not the key {this.GetPrimaryKeyString()}.", nameof(document));
        }

        _document = document;
        return Task.CompletedTask;
    }

    public Task<byte[]?> Fetch() => Task.FromResult(_document);
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SocialInvestment.Orleans;

/// <summary>Registers the SocialInvestment grains' services on a silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Adds what the SocialInvestment range grains need on this silo (the cache of prepared model
    /// definitions by content hash, and of prepared household runs and household PSAs). Call once per silo, beside the clustering configuration.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddSocialInvestment(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<DefinitionCache>();
        builder.Services.TryAddSingleton<HouseholdRunCache>();
        builder.Services.TryAddSingleton<HouseholdPsaCache>();
        return builder;
    }
}

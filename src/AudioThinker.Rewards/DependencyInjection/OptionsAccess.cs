using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>Resolves options and turns binding and validation failures into <see cref="RewardsConfigurationException"/>.</summary>
internal static class OptionsAccess
{
    public static T Get<T>(IServiceProvider services, string path, string? name = null)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptionsMonitor<T>>().Get(name ?? Microsoft.Extensions.Options.Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            throw new RewardsConfigurationException(string.Join("; ", e.Failures), e);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and value it could not convert.
            throw new RewardsConfigurationException($"{path}: {e.Message}", e);
        }
    }
}

namespace AudioThinker.Rewards;

/// <summary>The rewards configuration is wrong; the message names the key and the rule it breaks.</summary>
public sealed class RewardsConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RewardsConfigurationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Throws when <paramref name="errors"/> is not empty, with every error in the message.</summary>
    public static void ThrowIfAny(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new RewardsConfigurationException(string.Join("; ", list));
        }
    }
}

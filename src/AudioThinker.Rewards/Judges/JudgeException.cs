namespace AudioThinker.Rewards.Judges;

/// <summary>A judge server could not be reached or refused the request after every retry; the message names the judge and endpoint.</summary>
public sealed class JudgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JudgeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

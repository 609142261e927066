namespace AudioThinker.Policies.Tokenization;

/// <summary>A token matched literally in text before any other splitting (Hugging Face's <c>added_tokens</c>).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">Its exact text, e.g. <c>&lt;|im_start|&gt;</c> or <c>&lt;think&gt;</c>.</param>
/// <param name="Special">True when decoding with <c>skipSpecialTokens</c> leaves it out. Qwen marks the chat and audio
/// markers special but not <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c>, so a response parser still sees those.</param>
public sealed record AddedToken(int Id, string Content, bool Special);

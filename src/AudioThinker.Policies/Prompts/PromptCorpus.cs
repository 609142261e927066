using AudioThinker.Abstractions;

namespace AudioThinker.Policies.Prompts;

/// <summary>The texts a from-scratch model will read and write, for building its <see cref="Tokenization.CompactTokenizer"/>.</summary>
public static class PromptCorpus
{
    /// <summary>
    /// For each question: its rendered prompt under each template (chat scaffolding included, one audio token
    /// standing for the clip), the response forms it is trained towards (<c>&lt;think&gt;reference
    /// reasoning&lt;/think&gt;&lt;answer&gt;answer&lt;/answer&gt;</c> when the question has reasoning, and
    /// <c>&lt;answer&gt;answer&lt;/answer&gt;</c>).
    /// </summary>
    /// <param name="questions">The dataset's questions.</param>
    /// <param name="templates">The templates prompts will use; null for all of <see cref="PromptTemplates.All"/>.</param>
    /// <param name="defaultSystemPrompt">The system turn the prompts get (see <see cref="PromptBuilder.DefaultSystemPrompt"/>).</param>
    public static IEnumerable<string> Texts(
        IEnumerable<AudioQuestion> questions, IEnumerable<PromptTemplate>? templates = null, string? defaultSystemPrompt = Qwen2AudioChatFormat.DefaultSystemPrompt)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var chosen = (templates ?? PromptTemplates.All).ToList();
        foreach (var q in questions)
        {
            ArgumentNullException.ThrowIfNull(q, nameof(questions));
            foreach (var template in chosen)
            {
                var user = template.FormatUser(q);
                ChatMessage[] messages = [q.Audio is null ? ChatMessage.User(user) : ChatMessage.User(user, 1)];
                yield return Qwen2AudioChatFormat.Render(messages, addGenerationPrompt: true, defaultSystemPrompt);
            }
            if (!string.IsNullOrWhiteSpace(q.ReferenceReasoning))
            {
                yield return $"<think>{q.ReferenceReasoning}</think><answer>{q.Answer}</answer>";
            }
            yield return $"<answer>{q.Answer}</answer>";
        }
    }
}

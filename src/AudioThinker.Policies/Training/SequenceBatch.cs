using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Training;

/// <summary>
/// Prompts and completions packed for a training forward: prompts left-padded to a common length P (as generation
/// laid them out), completions right-padded to C, so completion token j of every row sits at column P + j.
/// </summary>
/// <param name="InputIds">[batch, P + C] token ids (padding where masked).</param>
/// <param name="AttentionMask">[batch, P + C], 1 for real tokens.</param>
/// <param name="CompletionMask">[batch, C] float32, 1 for real completion tokens.</param>
/// <param name="PromptLength">P.</param>
public sealed record SequenceBatch(Tensor InputIds, Tensor AttentionMask, Tensor CompletionMask, int PromptLength)
{
    /// <summary>C, the padded completion length.</summary>
    public int CompletionLength => (int)CompletionMask.shape[1];

    /// <summary>Packs rows of prompt and completion token ids.</summary>
    /// <exception cref="ArgumentException">Counts differ, or a prompt is empty.</exception>
    public static SequenceBatch Create(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> completions, int padTokenId, Device? device = null)
    {
        if (prompts.Count != completions.Count || prompts.Count == 0)
        {
            throw new ArgumentException($"need as many completions as prompts (and at least one), got {prompts.Count} prompts and {completions.Count} completions");
        }
        var empty = prompts.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Count == 0);
        if (empty.p is not null)
        {
            throw new ArgumentException($"prompt {empty.i} is empty", nameof(prompts));
        }
        var batch = prompts.Count;
        var p = prompts.Max(x => x.Count);
        var c = Math.Max(1, completions.Max(x => x.Count));
        var width = p + c;
        var ids = new long[batch * width];
        var mask = new long[batch * width];
        var completionMask = new float[batch * c];
        Array.Fill(ids, padTokenId);
        for (var b = 0; b < batch; b++)
        {
            var offset = p - prompts[b].Count;
            for (var t = 0; t < prompts[b].Count; t++)
            {
                ids[b * width + offset + t] = prompts[b][t];
                mask[b * width + offset + t] = 1;
            }
            for (var t = 0; t < completions[b].Count; t++)
            {
                ids[b * width + p + t] = completions[b][t];
                mask[b * width + p + t] = 1;
                completionMask[b * c + t] = 1;
            }
        }
        return new SequenceBatch(
            torch.tensor(ids, [batch, width], ScalarType.Int64, device),
            torch.tensor(mask, [batch, width], ScalarType.Int64, device),
            torch.tensor(completionMask, [batch, c], ScalarType.Float32, device),
            p);
    }
}
